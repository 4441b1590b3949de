// Renders every template in <templates_dir> on every conversation of <conversations.json> with
// @huggingface/jinja (the reference for transformers.js) and writes the cases and their outputs (or the
// error each one raised) to <out.json>, for chat_oracle_tests to compare against byte for byte.
// Also renders each one-line template of <snippets.json> on a fixed two-turn conversation (edge cases of the
// subset, including ones the reference rejects).
// Usage: node render_oracle.js <oracles_dir> <templates_dir> <conversations.json> <snippets.json> <out.json>
'use strict';
const fs = require('fs');
const path = require('path');

const [oraclesDir, templatesDir, conversationsPath, snippetsPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node render_oracle.js <oracles_dir> <templates_dir> <conversations.json> <snippets.json> <out.json>');
  process.exit(2);
}
const { Template } = require(require.resolve('@huggingface/jinja', { paths: [oraclesDir] }));
const { bos_token, eos_token, conversations } = JSON.parse(fs.readFileSync(conversationsPath, 'utf8'));

const cases = [];
for (const file of fs.readdirSync(templatesDir).filter((f) => f.endsWith('.jinja')).sort()) {
  const source = fs.readFileSync(path.join(templatesDir, file), 'utf8');
  const template = new Template(source);
  for (const conversation of conversations) {
    for (const add_generation_prompt of [false, true]) {
      const entry = {
        name: `${file}/${conversation.name}/${add_generation_prompt ? 'gen' : 'nogen'}`,
        source, messages: conversation.messages, add_generation_prompt, bos_token, eos_token,
      };
      try {
        entry.output = template.render({ messages: conversation.messages, add_generation_prompt, bos_token, eos_token });
      } catch (e) {
        entry.error = String(e.message);
      }
      cases.push(entry);
    }
  }
}
const snippetMessages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }];
const snippets = [];
for (const source of JSON.parse(fs.readFileSync(snippetsPath, 'utf8')).snippets) {
  const entry = { source, messages: snippetMessages, add_generation_prompt: true, bos_token, eos_token };
  try {
    entry.output = new Template(source).render({ messages: snippetMessages, add_generation_prompt: true, bos_token, eos_token });
  } catch (e) {
    entry.error = String(e.message);
  }
  snippets.push(entry);
}
fs.writeFileSync(outPath, JSON.stringify({ cases, snippets }));
console.log(`${cases.length} cases and ${snippets.length} snippets -> ${outPath}`);
