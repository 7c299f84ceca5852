// bench/: single-thread encode throughput of the reference tokenizers over the lines of a
// file, timed in-process after loading (best of REPEAT, and the first pass). Prints one JSON object.
//   node reference_speed.js tiktoken-rs ENCODING FILE [REPEAT]
//   node reference_speed.js hf TOKENIZER_JSON FILE [REPEAT]   (RAYON_NUM_THREADS=1; encodeBatch
//        over chunks of 1000 lines, the binding's fastest single-thread route)
const fs = require('fs');
const path = require('path');
const nm = path.resolve(process.env.EMBSCOPE_NODE_MODULES || 'node_modules');
const [impl, what, file, repeatArg] = process.argv.slice(2);
const repeat = Number(repeatArg || 3);
const lines = fs.readFileSync(file, 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const bytes = lines.reduce((s, l) => s + Buffer.byteLength(l, 'utf8'), 0);

async function main() {
  const t0 = process.hrtime.bigint();
  let encodeAll;
  if (impl === 'tiktoken-rs') {
    const m = require(path.join(nm, 'tiktoken-rs-node-linux-x64-gnu', 'tiktoken-rs-node.linux-x64-gnu.node'));
    const enc = m.getEncoding(what);
    encodeAll = async () => { let n = 0; for (const l of lines) n += enc.encode(l).length; return n; };
  } else {
    const { Tokenizer } = require(path.join(nm, 'tokenizers'));
    const tok = Tokenizer.fromFile(what);
    encodeAll = async () => {
      let n = 0;
      for (let i = 0; i < lines.length; i += 1000) {
        const encs = await tok.encodeBatch(lines.slice(i, i + 1000), { addSpecialTokens: false });
        for (const e of encs) n += e.getIds().length;
      }
      return n;
    };
  }
  const load = Number(process.hrtime.bigint() - t0) / 1e9;
  let best = Infinity, first = 0, tokens = 0;
  for (let r = 0; r < repeat; ++r) {
    const s = process.hrtime.bigint();
    tokens = await encodeAll();
    const took = Number(process.hrtime.bigint() - s) / 1e9;
    if (r === 0) first = took;
    best = Math.min(best, took);
  }
  console.log(JSON.stringify({ load_s: load, encode_s: best, bytes, lines: lines.length, tokens, mb_per_s: bytes / best / 1e6,
                               first_mb_per_s: bytes / first / 1e6 }));
}
main().catch((e) => { console.error(e); process.exit(1); });
