// Reproduces the committed tokenizer assets (engine/tokenizer/assets/*.json) with HF `tokenizers`:
//   NODE_PATH=oracles/node_modules node engine/tokenizer/tools/train_tokenizers.mjs engine/tokenizer/assets
// It trains byte-level BPE on the license texts every Debian 12 system ships, then lays the vocabulary out
// the way HF's trainer lays out SmolLM2's (special tokens, byte alphabet by code point, merges in order).
// The committed files are the source make-model embeds; this script documents and reproduces them.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hf = require('tokenizers');

const SMOL_SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>',
  '<filename>', '<gh_stars>', '<issue_start>', '<issue_comment>', '<issue_closed>', '<jupyter_start>',
  '<jupyter_text>', '<jupyter_code>', '<jupyter_output>', '<jupyter_script>', '<empty_output>'];
const TRAINING_FILES = ['Apache-2.0', 'Artistic', 'BSD', 'CC0-1.0', 'GFDL-1.2', 'GFDL-1.3', 'GPL-1', 'GPL-2',
  'GPL-3', 'LGPL-2', 'LGPL-2.1', 'LGPL-3', 'MPL-1.1', 'MPL-2.0'].map((f) => `/usr/share/common-licenses/${f}`)
  .concat(['base-files', 'bash', 'bsdutils', 'coreutils', 'dash', 'debconf', 'debianutils', 'diffutils', 'dpkg',
    'findutils', 'grep', 'gzip', 'hostname', 'init-system-helpers', 'libc-bin', 'login', 'ncurses-base', 'perl-base',
    'sed', 'sysvinit-utils', 'tar', 'util-linux', 'apt', 'mawk'].map((p) => `/usr/share/doc/${p}/copyright`));
for (const f of TRAINING_FILES) {
  if (!fs.existsSync(f)) throw new Error(`training file ${f} is missing (it ships with every Debian 12 system)`);
}
const GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

// GPT-2's byte -> unicode map: printable Latin-1 bytes are themselves, the other 68 go to U+0100 + n.
function byteAlphabet() {
  const chars = [];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.push(String.fromCodePoint(printable ? b : 0x100 + n++));
  }
  return chars;
}

// Trains with the given pre-tokenizer; returns the merges (as [a, b] pairs) in the trainer's order.
function trainMerges(preTokenizer) {
  const tok = new hf.Tokenizer(hf.BPE.empty());
  tok.setPreTokenizer(preTokenizer);
  tok.train(TRAINING_FILES);
  const json = JSON.parse(saveToString(tok));
  return json.model.merges.map((m) => (Array.isArray(m) ? m : m.split(' ')));
}

function saveToString(tok) {
  const tmp = path.join(fs.mkdtempSync('/tmp/smol-train-'), 'tokenizer.json');
  tok.save(tmp, false);
  const text = fs.readFileSync(tmp, 'utf8');
  fs.rmSync(path.dirname(tmp), { recursive: true });
  return text;
}

// Vocabulary: `first` tokens, the byte alphabet (minus `dropBytes`), then merge results until `size`.
function layout(first, merges, size, dropBytes) {
  const vocab = new Map();
  const add = (t) => { if (!vocab.has(t)) vocab.set(t, vocab.size); };
  first.forEach(add);
  const alphabet = byteAlphabet();
  const dropped = new Set(dropBytes.map((b) => alphabet[b]));
  alphabet.filter((c) => !dropped.has(c)).sort((a, b) => a.codePointAt(0) - b.codePointAt(0)).forEach(add);
  const kept = [];
  for (const [a, b] of merges) {
    if (vocab.size >= size) break;
    if (!vocab.has(a) || !vocab.has(b)) continue;  // refers to a dropped byte
    kept.push([a, b]);
    add(a + b);
  }
  return { vocab: Object.fromEntries(vocab), merges: kept };
}

function addedToken(id, content, special, extra = {}) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: !special, special,
    ...extra };
}

function byteLevel(addPrefixSpace, useRegex) {
  return { type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: useRegex };
}

function smollm2Tokenizer() {
  const pre = hf.sequencePreTokenizer([hf.digitsPreTokenizer(true), hf.byteLevelPreTokenizer(false, true)]);
  const { vocab, merges } = layout(SMOL_SPECIALS, trainMerges(pre), 8192, []);
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: SMOL_SPECIALS.map((t, i) => addedToken(i, t, true)),
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: true },
      byteLevel(false, true)] },
    post_processor: byteLevel(true, true),  // SmolLM2's: offsets only, adds no token
    decoder: byteLevel(true, true),
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null,
      end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  };
}

// A GPT-2-style file: ByteLevel only (no Digits), another size, merges as pairs, two byte values without a
// token (HF drops them), <|endoftext|> last, and non-special added tokens that are matched before BPE.
function gpt2Tokenizer() {
  const pre = hf.byteLevelPreTokenizer(false, true);
  const { vocab, merges } = layout([], trainMerges(pre), 4092, [0x7f, 0x1b]);
  const added = [];
  const extra = ['<pad>', ' Copyright', 'ü€'];
  for (const t of extra) added.push(addedToken(Object.keys(vocab).length + added.length, t, false));
  added.push(addedToken(Object.keys(vocab).length + added.length, '<|endoftext|>', true));
  return {
    version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '',
      end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

// HF re-serialises a loaded file in its canonical form; committing that form keeps the assets stable.
// mergesAsStrings: write merges as "a b" like SmolLM2's own file (HF >= 0.20 saves [a, b] pairs).
function canonical(json, mergesAsStrings) {
  const tok = hf.Tokenizer.fromString(JSON.stringify(json));
  const saved = JSON.parse(saveToString(tok));
  if (mergesAsStrings) saved.model.merges = saved.model.merges.map((m) => m.join(' '));
  return JSON.stringify(saved, null, 2) + '\n';
}

const outDir = process.argv[2] || '.';
fs.writeFileSync(path.join(outDir, 'smollm2_tokenizer.json'), canonical(smollm2Tokenizer(), true));
fs.writeFileSync(path.join(outDir, 'gpt2_tokenizer.json'), canonical(gpt2Tokenizer(), false));

// tokenizer_config.json as HF writes SmolLM2-135M-Instruct's: chat template, special-token fields.
const CHAT_TEMPLATE = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}" +
  "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\\n' }}" +
  "{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const addedTokensDecoder = Object.fromEntries(SMOL_SPECIALS.map((t, i) => [String(i),
  { content: t, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]));
const tokenizerConfig = {
  add_bos_token: false,
  add_prefix_space: false,
  added_tokens_decoder: addedTokensDecoder,
  additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
  bos_token: '<|im_start|>',
  chat_template: CHAT_TEMPLATE,
  clean_up_tokenization_spaces: false,
  eos_token: '<|im_end|>',
  model_max_length: 8192,
  pad_token: '<|im_end|>',
  tokenizer_class: 'GPT2Tokenizer',
  unk_token: '<|endoftext|>',
};
fs.writeFileSync(path.join(outDir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
