// The trained default model's tokenizer: byte-level BPE trained with HF `tokenizers` on the corpus that
// build_corpus.py writes, laid out like SmolLM2's (its 17 special tokens, the byte alphabet by code point, merges
// in the trainer's order), then the corpus encoded with it.
//   NODE_PATH=oracles/node_modules node reference/training/train_tokenizer.mjs CORPUS_DIR MODEL_DIR [VOCAB]
// Writes MODEL_DIR/tokenizer.json and tokenizer_config.json (HF's format, as SmolLM2 ships them) and
// CORPUS_DIR/{train,valid}.ids.npy: uint16 token ids, every document preceded by <|endoftext|> (id 0).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hf = require('tokenizers');

const [corpusDir, modelDir, vocabArg] = process.argv.slice(2);
if (!corpusDir || !modelDir) throw new Error('usage: train_tokenizer.mjs CORPUS_DIR MODEL_DIR [VOCAB]');
const VOCAB_SIZE = Number(vocabArg || 4096);
const SEPARATOR = '<|endoftext|>';
const SMOL_SPECIALS = [SEPARATOR, '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>',
  '<filename>', '<gh_stars>', '<issue_start>', '<issue_comment>', '<issue_closed>', '<jupyter_start>',
  '<jupyter_text>', '<jupyter_code>', '<jupyter_output>', '<jupyter_script>', '<empty_output>'];
const trainFile = path.join(corpusDir, 'train.txt');

function saveToString(tok) {
  const tmp = path.join(fs.mkdtempSync('/tmp/smol-train-'), 'tokenizer.json');
  tok.save(tmp, false);
  const text = fs.readFileSync(tmp, 'utf8');
  fs.rmSync(path.dirname(tmp), { recursive: true });
  return text;
}

// Merges in the trainer's order. The specials are registered first so that the document separators in the
// text are not learnt as words.
function trainMerges() {
  const tok = new hf.Tokenizer(hf.BPE.empty());
  tok.setPreTokenizer(hf.sequencePreTokenizer([hf.digitsPreTokenizer(true), hf.byteLevelPreTokenizer(false, true)]));
  tok.addSpecialTokens(SMOL_SPECIALS);
  tok.train([trainFile]);
  return JSON.parse(saveToString(tok)).model.merges.map((m) => (Array.isArray(m) ? m : m.split(' ')));
}

// Specials, then all 256 byte symbols by code point (GPT-2's byte -> unicode map), then merge results up to the
// vocabulary size.
function layout(merges) {
  const vocab = new Map();
  const add = (t) => { if (!vocab.has(t)) vocab.set(t, vocab.size); };
  SMOL_SPECIALS.forEach(add);
  hf.byteLevelAlphabet().sort((a, b) => a.codePointAt(0) - b.codePointAt(0)).forEach(add);
  const kept = [];
  for (const [a, b] of merges) {
    if (vocab.size >= VOCAB_SIZE) break;
    kept.push(`${a} ${b}`);
    add(a + b);
  }
  if (vocab.size !== VOCAB_SIZE) throw new Error(`the trainer gave only ${vocab.size} tokens, ${VOCAB_SIZE} wanted`);
  return { vocab: Object.fromEntries(vocab), merges: kept };
}

function byteLevel(addPrefixSpace, useRegex) {
  return { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: useRegex };
}

function tokenizerJson() {
  const { vocab, merges } = layout(trainMerges());
  const json = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: SMOL_SPECIALS.map((t, id) => ({ id, content: t, single_word: false, lstrip: false, rstrip: false,
      normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true },
      byteLevel(false, true)] },
    post_processor: byteLevel(true, true),
    decoder: byteLevel(true, true),
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  // HF's canonical serialisation of the loaded file, merges written as "a b" the way SmolLM2's file has them.
  const saved = JSON.parse(saveToString(hf.Tokenizer.fromString(JSON.stringify(json))));
  saved.model.merges = saved.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
  return saved;
}

// SmolLM2's chat template (ChatML), with a default system line that says what this model is. The model is a
// base model: a document ends with <|endoftext|>, which is therefore its BOS, EOS and UNK, as in SmolLM2's base.
const CHAT_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\\nYou are a tiny model trained on old public-domain prose.<|im_end|>\\n' }}" +
  "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function tokenizerConfig() {
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: Object.fromEntries(SMOL_SPECIALS.map((t, i) => [String(i),
      { content: t, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }])),
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: SEPARATOR,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: SEPARATOR,
    model_max_length: 512,
    pad_token: SEPARATOR,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: SEPARATOR,
  };
}

// A 1-D little-endian uint16 .npy (format 1.0).
function writeNpyU16(file, values) {
  let header = `{'descr': '<u2', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => body.writeUInt16LE(v, 2 * i));
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

async function encodeSplit(tok, part) {
  const text = fs.readFileSync(path.join(corpusDir, `${part}.txt`), 'utf8');
  const docs = text.split(`\n${SEPARATOR}\n`).map((d) => d.replace(/\n$/, ''));
  const ids = [];
  for (const doc of docs) {
    const enc = await tok.encode(doc);
    ids.push(0, ...enc.getIds());
  }
  writeNpyU16(path.join(corpusDir, `${part}.ids.npy`), ids);
  return { documents: docs.length, tokens: ids.length, bytes: Buffer.byteLength(text) };
}

fs.mkdirSync(modelDir, { recursive: true });
const json = tokenizerJson();
fs.writeFileSync(path.join(modelDir, 'tokenizer.json'), JSON.stringify(json, null, 2) + '\n');
fs.writeFileSync(path.join(modelDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig(), null, 2) + '\n');
const tok = hf.Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
const stats = { vocab_size: tok.getVocabSize(true) };
for (const part of ['train', 'valid']) stats[part] = await encodeSplit(tok, part);
console.log(JSON.stringify(stats));
