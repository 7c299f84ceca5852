"""SentencePiece goldens: models trained here with Debian's python3-sentencepiece on the Brown
corpus (Unigram with byte fallback, as Llama 2 / Gemma; BPE, as NLLB's), then every line of the
adversarial set and 5,000 Brown lines encoded by the reference (python3-sentencepiece) and by
embscope (tokenize_lines): identical ids, character offsets and decoded text.
The Unigram model is also converted to tokenizer.json the way transformers' SpmConverter does it
(its nmt_nfkc charsmap as a Precompiled normalizer, Replace " {2,}" -> " ", Metaspace, Unigram
with byte fallback): Hugging Face tokenizers (npm, native; reference_tokenize.js) and embscope
must give identical ids, offsets and decoded text on the same lines.
Run by ctest (label golden): /usr/bin/python3 run_sentencepiece_goldens.py --tool T --node-modules NM --work W"""
import argparse
import base64
import json
import os
import subprocess
import sys

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))


def proto_fields(buf):
    """(field number, wire type, value) of a protobuf message: varints as ints, length-delimited
    fields as bytes (the .model file is a sentencepiece ModelProto)."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield field, wire, value


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def mismatches(tag, texts, wants, ours):
    """One message per line whose ids, offsets or decoded text differ (the first key that does)."""
    out = []
    for i, (t, want, o) in enumerate(zip(texts, wants, ours)):
        for key in ("ids", "offsets", "decoded"):
            if want[key] != o.get(key):
                out.append(f"{tag} line {i + 1} {json.dumps(t[:60], ensure_ascii=False)}: {key}: "
                           f"expected {str(want[key])[:160]} got {str(o.get(key))[:160]}")
                break
    if len(wants) != len(texts) or len(ours) != len(texts):
        out.append(f"{tag}: line counts differ: inputs {len(texts)}, reference {len(wants)}, embscope {len(ours)}")
    return out


def spm_to_tokenizer_json(model_path, sp):
    """A Unigram .model as transformers' SpmConverter writes it to tokenizer.json."""
    with open(model_path, "rb") as f:
        proto = f.read()
    normalizer_spec = next(v for field, _, v in proto_fields(proto) if field == 3)
    charsmap = next(v for field, _, v in proto_fields(normalizer_spec) if field == 2)
    vocab = [[sp.id_to_piece(i), sp.get_score(i)] for i in range(sp.get_piece_size())]
    specials = [i for i in range(sp.get_piece_size()) if sp.is_control(i) or sp.is_unknown(i)]
    meta = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for i in specials],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode()},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": meta, "post_processor": None, "decoder": meta,
        "model": {"type": "Unigram", "unk_id": sp.unk_id(), "vocab": vocab, "byte_fallback": True},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    sys.path.insert(0, HERE)
    from run_tokenizer_goldens import brown_lines  # noqa: E402
    brown = list(brown_lines(os.path.abspath(a.node_modules)))
    train = os.path.join(a.work, "train.txt")
    with open(train, "w", encoding="utf-8") as f:
        f.write("\n".join(brown[:20000]) + "\n")
    with open(os.path.join(HERE, "adversarial.jsonl"), encoding="utf-8") as f:
        texts = [json.loads(l) for l in f] + brown[20000:25000]
    inputs = os.path.join(a.work, "inputs.jsonl")
    with open(inputs, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print(f"reference: python3-sentencepiece {spm.__version__} (Debian); models trained here on 20,000 Brown lines")
    failures, total = [], 0
    for kind, extra in (("unigram", dict(byte_fallback=True)), ("bpe", dict())):
        prefix = os.path.join(a.work, f"sp_{kind}")
        spm.SentencePieceTrainer.train(input=train, model_prefix=prefix, vocab_size=2000, model_type=kind,
                                       character_coverage=0.9995, num_threads=1, minloglevel=2, **extra)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
        p = subprocess.run([a.tool, prefix + ".model", inputs], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"tokenize_lines failed: {p.stderr}")
        ours = [json.loads(l) for l in p.stdout.split("\n") if l]
        wants = []
        for t in texts:
            proto = sp.encode(t, out_type="immutable_proto")
            ids = [x.id for x in proto.pieces]
            # The Python binding reports spans in characters (it converts the library's byte spans).
            offs = [[x.begin, max(x.end, x.begin)] for x in proto.pieces]
            wants.append({"ids": ids, "offsets": offs, "decoded": sp.decode(ids)})
        failures += mismatches(kind, texts, wants, ours)
        total += len(texts)
        print(f"sentencepiece.{kind}: {len(texts)} lines")
        if kind == "unigram":
            tj = prefix + ".tokenizer.json"
            with open(tj, "w", encoding="utf-8") as f:
                json.dump(spm_to_tokenizer_json(prefix + ".model", sp), f, ensure_ascii=False)
            env = dict(os.environ, EMBSCOPE_NODE_MODULES=os.path.abspath(a.node_modules))
            ref = subprocess.run(["node", os.path.join(HERE, "reference_tokenize.js"), tj, inputs], capture_output=True,
                                 text=True, env=env)
            if ref.returncode != 0:
                sys.exit(f"reference_tokenize.js failed: {ref.stderr[-2000:]}")
            p = subprocess.run([a.tool, tj, inputs], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"tokenize_lines failed on {tj}: {p.stderr}")
            refs = [json.loads(l) for l in ref.stdout.split("\n") if l]
            ours = [json.loads(l) for l in p.stdout.split("\n") if l]
            failures += mismatches("tokenizer.json Precompiled", texts, refs, ours)
            total += len(texts)
            print(f"tokenizer.json (Precompiled normalizer) vs Hugging Face tokenizers: {len(texts)} lines")
    for f in failures[:30]:
        print("MISMATCH", f)
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
