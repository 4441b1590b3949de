// HF `tokenizers` (Node binding, oracles/package.json) answering the transformers shim (__init__.py): one
// JSON request per stdin line, one JSON answer per stdout line, in order.
//   {"op":"vocab"}                                        -> {"result": {token: id, ...}} (added tokens included)
//   {"op":"encode","text":T,"add_special_tokens":B}       -> {"result": [ids]}
//   {"op":"decode","ids":[...],"skip_special_tokens":B}   -> {"result": "text"}
// A failed request answers {"error": "..."}.
//   node tokenizers_server.mjs tokenizer.json
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const oracles = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Tokenizer } = createRequire(path.join(oracles, 'package.json'))('tokenizers');
const tokenizer = Tokenizer.fromFile(process.argv[2]);

async function answer(request) {
    switch (request.op) {
        case 'vocab': return tokenizer.getVocab(true);
        case 'encode':
            return (await tokenizer.encode(request.text, null, { addSpecialTokens: request.add_special_tokens })).getIds();
        case 'decode': return tokenizer.decode(request.ids, request.skip_special_tokens);
        default: throw new Error(`unknown op '${request.op}'`);
    }
}

for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    let reply;
    try {
        reply = { result: await answer(JSON.parse(line)) };
    } catch (e) {
        reply = { error: String(e?.message ?? e) };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
}
