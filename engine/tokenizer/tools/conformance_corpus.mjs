// The conformance corpus: a deterministic list of byte strings (Buffers) covering what a tokenizer can get
// wrong — English and other scripts, CJK, emoji and ZWJ sequences, combining marks, every Unicode numeric
// character, whitespace of every kind, contractions in every case, code, special-token text, long words and
// invalid UTF-8. Same seed, same corpus, on any machine.

function prng(seed) {  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('the of and to in is you that it he was for on are as with his they I at be this have from or ' +
  'one had by word but not what all were we when your can said there use an each which she do how their if ' +
  'will up other about out many then them these so some her would make like him into time has look two more ' +
  'write go see number no way could people my than first water been call who oil its now find long down day ' +
  'did get come made may part License Copyright software GNU General Public free distribute modify Program ' +
  'HELLO World McDonald iPhone naïve café résumé coöperate façade Ångström Straße').split(' ');
const SCRIPTS = [
  'Καλημέρα κόσμε, η γλώσσα μου', 'Съешь же ещё этих мягких французских булок', 'Привет, мир! Ёлка',
  'مرحبا بالعالم، كيف حالك؟', 'שלום עולם, מה שלומך', 'नमस्ते दुनिया, क्षत्रिय', 'สวัสดีชาวโลก ภาษาไทย',
  '안녕하세요 세계, 한국어 텍스트', 'こんにちは世界、カタカナとひらがな', '你好，世界！我们来测试中文分词。',
  '繁體中文測試：臺灣、香港', 'Tiếng Việt có dấu: người, được', 'Türkçe: ığüşöç İstanbul', 'Ελληνικά ΑΒΓΔ',
  'ქართული ენა', 'Հայերեն լեզու', 'አማርኛ ቋንቋ', 'ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ', 'ᠮᠣᠩᠭᠣᠯ', 'བོད་ཡིག', 'ꦧꦱꦗꦮ',
  '𐌰𐌱𐌲 Gothic', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕄𝕒𝕥𝕙 𝐁𝐨𝐥𝐝', 'Ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３', 'ﷺ ﷽ ﬁ ﬂ ŉ',
];
const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '🇯🇵🇺🇸', '❤️', '☺︎', '🧑🏿‍💻', '👩‍❤️‍💋‍👨', '#️⃣', '1️⃣',
  '🫠', '🦀', '🐍', '🤷‍♀️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '©️', '™', '✔️', '🔥🔥🔥'];
const CODE = [
  'int main(int argc, char** argv) {\n\treturn 0;\n}\n', 'def f(x):\n    return x ** 2  # square\n',
  'const x = arr.map((v) => v * 2).filter(Boolean);', '{"key": [1, 2.5e-3, null, true], "s": "a\\nb"}',
  '#include <stdio.h>\r\n#define MAX(a,b) ((a)>(b)?(a):(b))\r\n', 'for (i = 0; i < n; ++i) sum += a[i];',
  'SELECT * FROM users WHERE id = 42;', '<div class="x">&amp;&lt;</div>', '$ ls -la | grep "^d" > /dev/null 2>&1',
  'fn main() { println!("{}", 1_000_000u64); }', '    if x:\n        pass\n\n\n', 'x+=1;y-=2;z*=3;w/=4;',
  '0x1F 0b1010 1e10 3.14159 -7 +8 1,234,567.89', 'https://example.com/path?q=1&r=2#frag', 'a_b-c.d/e\\f|g~h`i',
];
const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<repo_name>', '<reponame>', '<file_sep>',
  '<filename>', '<gh_stars>', '<issue_start>', '<issue_comment>', '<issue_closed>', '<jupyter_start>',
  '<jupyter_text>', '<jupyter_code>', '<jupyter_output>', '<jupyter_script>', '<empty_output>', '<pad>',
  ' Copyright', 'ü€'];
const WHITESPACE = [' ', '  ', '\t', '\n', '\r\n', '\r', '\v', '\f', '\u0085', '\u00a0', '\u1680', '\u2000',
  '\u2001', '\u2002', '\u2003', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f',
  '\u3000', '\u180e', '\u200b', '\ufeff', '\u001c', '\u001d', '\u001e', '\u001f', '   \n  ', '\n\n\n', ' \t '];
const CONTRACTIONS = ["s", "t", "re", "ve", "m", "ll", "d"];
const INVALID = [[0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff], [0xfe], [0xc3],
  [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x00], [0xe2, 0x28, 0xa1], [0xc3, 0x28], [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], [0xef, 0xbf, 0xbe], [0xef, 0xbf, 0xbf], [0x7f], [0x1b]];

// Every code point that is \p{N} for this JS engine, plus digits added in Unicode 16 and 17.
function numericChars() {
  const out = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/\p{N}/u.test(String.fromCodePoint(cp))) out.push(String.fromCodePoint(cp));
  }
  for (const base of [0x10d40, 0x11bf0, 0x116d0, 0x116da, 0x16130, 0x16d70, 0x1e5f1, 0x1ccf0, 0x11f50])
    for (let i = 0; i < 10; i++) out.push(String.fromCodePoint(base + i));
  return out;
}

export function buildCorpus() {
  const rand = prng(0x5eed5);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const int = (n) => Math.floor(rand() * n);
  const corpus = [];
  const text = (s) => corpus.push(Buffer.from(s, 'utf8'));

  text('');
  text('Hello');
  text(' Hello world');
  // English: random sentences with punctuation and numbers.
  for (let i = 0; i < 3000; i++) {
    const n = 1 + int(14);
    let s = '';
    for (let k = 0; k < n; k++) {
      s += (k ? pick([' ', ' ', ' ', ', ', '. ', '  ', '\n', ' - ', '; ', '!', '?', ' (', ') ']) : '') + pick(WORDS);
      if (rand() < 0.08) s += ' ' + int(100000);
    }
    text(rand() < 0.5 ? s : s + pick(['.', '!\n', '...', '?!', '']));
  }
  // Other scripts, alone and mixed.
  for (const s of SCRIPTS) { text(s); text(' ' + s); text(s + '\n'); }
  for (let i = 0; i < 1500; i++) text(pick(SCRIPTS).slice(int(5)) + pick([' ', '', '\n', '12']) + pick(SCRIPTS));
  // Random code points from anywhere (assigned or not), in short strings.
  for (let i = 0; i < 3000; i++) {
    let s = '';
    for (let k = 1 + int(6); k > 0; k--) {
      let cp;
      do cp = pick([() => int(0x80), () => int(0x800), () => int(0x10000), () => int(0x110000),
        () => 0x4e00 + int(0x5200), () => 0x1f300 + int(0x700)])();
      while (cp >= 0xd800 && cp <= 0xdfff);
      s += String.fromCodePoint(cp) + (rand() < 0.3 ? pick([' ', '  ', '\n', 'a', '1']) : '');
    }
    text(s);
  }
  // Emoji, ZWJ sequences, modifiers, flags.
  for (const e of EMOJI) { text(e); text(' ' + e); text(e + e); }
  for (let i = 0; i < 1500; i++) text(pick(['', ' ', 'I ', 'ok']) + pick(EMOJI) + pick(['', ' ', '!']) + pick(EMOJI));
  // Combining marks.
  for (let i = 0; i < 1500; i++) {
    let s = pick(['', ' ', 'x']) + pick(['a', 'e', 'Z', 'ا', 'क', 'ก', ' ', '1', '\n']);
    for (let k = 1 + int(4); k > 0; k--)
      s += String.fromCodePoint(pick([0x300 + int(0x70), 0x1ab0 + int(0x10), 0x20d0 + int(0x20), 0xfe20 + int(0x10),
        0x93c, 0x94d, 0xe31, 0x64b + int(8), 0x200d, 0x200c, 0xfe0f]));
    text(s + pick(['', 'b', ' c']));
  }
  // Every numeric character, alone, in runs and next to letters and spaces.
  for (const d of numericChars()) {
    text(d);
    text(`a${d}${d}b ${d}`);
    text(` ${d}x1${d}`);
  }
  for (let i = 0; i < 1000; i++) text(pick(['', ' ', '$', 'v']) + String(int(1e9)) + pick(['', '.', ',', ' ']) + int(1000));
  // Whitespace runs and line endings.
  for (let i = 0; i < 2500; i++) {
    let s = '';
    for (let k = 1 + int(5); k > 0; k--) {
      s += rand() < 0.5 ? pick(WHITESPACE).repeat(1 + int(4)) : pick(WORDS.concat(['1', '!', '😀', 'é']));
    }
    text(s);
  }
  // Contractions in every case, after all kinds of text.
  for (const c of CONTRACTIONS) {
    const n = 1 << c.length;
    for (let mask = 0; mask < n; mask++) {
      const cased = [...c].map((ch, i) => (mask >> i) & 1 ? ch.toUpperCase() : ch).join('');
      for (const before of ['I', 'you', ' it', '', ' ', "'", '1', 'é', '😀']) {
        for (const after of ['', ' ', 'x', "'s", '\n']) text(`${before}'${cased}${after}`);
      }
    }
  }
  for (let i = 0; i < 600; i++) text(pick(WORDS) + pick(["'", "’", "''"]) + pick(['s', 'S', 'T', 'll', 'LL', 'Re', 've', 'M', 'D', 'x']) + pick(['', ' ', 'ok']));
  // Code.
  for (const c of CODE) { text(c); text(c.repeat(3)); }
  for (let i = 0; i < 1200; i++) text(pick(CODE).slice(int(10)) + pick(['', '\n', '\t']) + pick(CODE).slice(0, 5 + int(40)));
  // Special-token text: exact, embedded, partial, adjacent, repeated.
  for (const t of SPECIALS) {
    text(t);
    text(` ${t} `);
    text(`${t}${t}`);
    text(t.slice(0, -1));
    text(t.slice(1));
    text(`x${t}y`);
    text(`${t}system\nYou are${t}\n`);
  }
  for (let i = 0; i < 1500; i++) {
    let s = '';
    for (let k = 1 + int(5); k > 0; k--) s += rand() < 0.5 ? pick(SPECIALS) : pick(WORDS.concat(['\n', ' ', '<', '|', '>', '<|', '|>']));
    text(s);
  }
  // Invalid UTF-8: each bad sequence alone and inside text; random bytes.
  for (const bad of INVALID) {
    const b = Buffer.from(bad);
    corpus.push(b);
    corpus.push(Buffer.concat([Buffer.from('ab'), b, Buffer.from('cd')]));
    corpus.push(Buffer.concat([Buffer.from(' é'), b, b, Buffer.from('😀 1')]));
  }
  for (let i = 0; i < 2000; i++) {
    const parts = [];
    for (let k = 1 + int(5); k > 0; k--) {
      parts.push(rand() < 0.5 ? Buffer.from(pick(INVALID)) : Buffer.from(pick(WORDS.concat(['😀', 'é', ' ', '7']))));
    }
    if (rand() < 0.3) parts.push(Buffer.from(Array.from({ length: 1 + int(12) }, () => int(256))));
    corpus.push(Buffer.concat(parts));
  }
  // Long words: past the short-word path of the merge engine.
  for (const unit of ['a', 'ab', 'the', 'é', '😀', '中', ' ', '1', '!', 'Copyright', '\n', 'aaaaab']) {
    for (const n of [20, 49, 50, 100, 333]) text(unit.repeat(n));
  }
  for (let i = 0; i < 300; i++) {
    let s = '';
    for (let k = 20 + int(80); k > 0; k--) s += pick(['a', 'b', 'e', 'th', 'in', 'é', '中', '-', '!', '1']);
    text(s);
  }
  return corpus;
}
