#!/usr/bin/env bash
# One robustness class of docs/robustness.md per call: robustness.sh SMOL MODEL_DIR WORK_DIR CLASS.
# Every case asserts the behaviour the class requires (clean exit status, the message, files untouched),
# so each fails on the code before its fix.
set -u
smol=$1 model=$2 work=$3 class=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_error REGEX CMD...: exit status exactly 1, "smol: error:" and REGEX on stderr, within 20 s.
expect_error() {
    local regex=$1; shift
    local err status
    err=$(timeout 20 "$@" 2>&1 >/dev/null </dev/null)
    status=$?
    if [ "$status" -ne 1 ]; then bad "exit $status (expected 1): $*"; echo "  stderr: $err"; return; fi
    if ! grep -q "^smol: error: " <<<"$err"; then bad "no 'smol: error:' prefix: $*"; echo "  stderr: $err"; return; fi
    if ! grep -qE -- "$regex" <<<"$err"; then bad "stderr does not match '$regex': $*"; echo "  stderr: $err"; return; fi
    echo "ok: $* -> $(head -c 200 <<<"$err")"
}

make_source() {
    cat > a.s <<'ASM'
main:
        addi    r1, r0, 5
.loop:  addi    r1, r1, -1
        bne     r1, r0, .loop
        halt
data:   .word   0x12345678
        .byte   1, 2, 3
ASM
}

case $class in
directory_as_input)
    mkdir -p d hf && cp -r "$model"/. hf/ && make_source && "$smol" asm a.s -o a.bin --map a.map >/dev/null || exit 1
    expect_error "d: is a directory" "$smol" tokenize -m "$model" -f d
    expect_error "d:1:1: error: is a directory" "$smol" asm d -o x.bin
    expect_error "d: is a directory" "$smol" disasm d
    expect_error "d: is a directory" "$smol" iss d
    expect_error "d: is a directory" "$smol" disasm a.bin --symbols d
    expect_error "d: is a directory" "$smol" iss a.bin --symbols d
    mkdir -p t/tokenizer.json && expect_error "t/tokenizer.json: is a directory" "$smol" generate -m "$model" --tokenizer t -p hi
    rm -rf hf/config.json && mkdir hf/config.json && expect_error "config.json: is a directory" "$smol" generate -m hf --ids 1
    rm -rf hf && cp -r "$model" hf && rm hf/model.safetensors && mkdir hf/model.safetensors &&
        expect_error "model.safetensors: is a directory" "$smol" generate -m hf --ids 1
    rm -rf hf && cp -r "$model" hf && rm hf/tokenizer_config.json && mkdir hf/tokenizer_config.json &&
        expect_error "tokenizer_config.json: is a directory" "$smol" chat -m hf
    ;;
flag_arithmetic_overflow)
    expect_error "needs 2147483648 positions but the context holds 512" "$smol" chat -m "$model" -n 2147483647
    expect_error "needs 2147483648 positions" "$smol" generate -m "$model" --ids 1 -n 2147483647
    expect_error "needs 2147483649 positions" "$smol" generate -m "$model" --ids 1,2 -n 2147483647
    expect_error "--pos '2147483647' is not in 0..2147483646" "$smol" profile -m "$model" --pos 2147483647
    expect_error "needs 2147483647 positions" "$smol" bench -m "$model" --pp 2147483647 --tg 0 --bandwidth-mb 0
    ;;
output_special_files)
    ids="--ids 1,2"
    expect_error "/dev/full: (write failed|cannot finish writing): No space left on device" "$smol" logits -m "$model" $ids -o /dev/full
    [ -c /dev/full ] || bad "/dev/full is no longer a device"
    "$smol" logits -m "$model" $ids -o /dev/null 2>/dev/null || bad "writing through /dev/null failed"
    [ -c /dev/null ] || bad "/dev/null is no longer a device"
    mkfifo fifo && (cat fifo > from_fifo &) && sleep 0.2
    "$smol" logits -m "$model" $ids -o fifo 2>/dev/null || bad "writing through a FIFO with a reader failed"
    sleep 0.2; [ -p fifo ] || bad "the FIFO was replaced"
    [ "$(head -c 6 from_fifo | od -An -c | tr -d ' ')" = "223NUMPY" ] || bad "the FIFO reader did not get the .npy"
    expect_error "fifo: is a FIFO with no reader" "$smol" logits -m "$model" $ids -o fifo
    echo keep > target && ln -s target link
    expect_error "link: is a symbolic link; refusing" "$smol" logits -m "$model" $ids -o link
    [ -L link ] && [ "$(cat target)" = keep ] || bad "the symlink or its target changed"
    ln -s nowhere dangling
    expect_error "dangling: is a symbolic link to nothing" "$smol" logits -m "$model" $ids -o dangling
    [ -L dangling ] && [ ! -e nowhere ] || bad "the dangling symlink changed"
    expect_error "d: is a directory, expected an output file" sh -c "mkdir -p d && exec \"$smol\" logits -m \"$model\" $ids -o d"
    ;;
output_equals_input)
    cp -r "$model" hf && sum=$(md5sum hf/model.safetensors)
    expect_error "hf/model.safetensors: is also an input of this run" "$smol" convert -m hf -o hf/model.safetensors
    [ "$(md5sum hf/model.safetensors)" = "$sum" ] || bad "the checkpoint was overwritten"
    make_source && cp a.s a.orig
    expect_error "a.s: is also an input of this run" "$smol" asm a.s -o a.s
    cmp -s a.s a.orig || bad "the source was overwritten"
    expect_error "x.bin: is named twice as an output" "$smol" asm a.s -o x.bin --map x.bin
    [ ! -e x.bin ] || bad "x.bin was written"
    printf '.include "a.s"\n' > top.s
    expect_error "a.s: is also an input of this run" "$smol" asm top.s -o x.bin --listing a.s
    cmp -s a.s a.orig || bad "the included source was overwritten"
    ;;
outputs_all_or_nothing)
    make_source && mkdir -p listing_dir
    expect_error "listing_dir: is a directory" "$smol" asm a.s -o x.bin --map x.map --listing listing_dir
    [ ! -e x.bin ] && [ ! -e x.map ] || bad "an output was written although another failed"
    ls | grep -q tmp- && bad "a temporary was left behind"
    ;;
stdout_write_errors)
    make_source && "$smol" asm a.s -o a.bin >/dev/null || exit 1
    for cmd in "tokenize -m $model hello" "generate -m $model --ids 1 -n 2" "generate -m $model -p hi -n 2" \
               "disasm a.bin" "iss a.bin --trace -" "bench -m $model -t 1 -r 1 --pp 4 --tg 2 --bandwidth-mb 0 --json"; do
        err=$(timeout 60 "$smol" $cmd 2>&1 >/dev/full </dev/null); status=$?
        if [ "$status" -eq 0 ] || ! grep -q "writing standard output" <<<"$err"; then bad "$cmd > /dev/full: exit $status: $err"
        else echo "ok: $cmd > /dev/full -> $(tail -1 <<<"$err")"; fi
    done
    err=$(printf 'Hi\n' | timeout 60 "$smol" chat -m "$model" -n 2 2>&1 >/dev/full); status=$?
    [ "$status" -ne 0 ] && grep -q "writing standard output" <<<"$err" || bad "chat > /dev/full: exit $status: $err"
    ;;
fifo_inputs)
    mkfifo f && cp -r "$model" hf && make_source && "$smol" asm a.s -o a.bin >/dev/null
    expect_error "f: is a FIFO, expected a regular file" "$smol" generate -m f --ids 1
    expect_error "f:1:1: error: is a FIFO" "$smol" asm f -o x.bin
    expect_error "f: is a FIFO" "$smol" iss f
    expect_error "f: is a FIFO" "$smol" disasm f
    expect_error "f: is a FIFO" "$smol" tokenize -m "$model" -f f
    expect_error "f: is a FIFO" "$smol" disasm a.bin --symbols f
    rm hf/config.json && mkfifo hf/config.json && expect_error "config.json: is a FIFO" "$smol" generate -m hf --ids 1
    rm -rf hf && cp -r "$model" hf && rm hf/model.safetensors && mkfifo hf/model.safetensors &&
        expect_error "model.safetensors: is a FIFO" "$smol" generate -m hf --ids 1
    rm -rf hf && cp -r "$model" hf && rm hf/tokenizer.json && mkfifo hf/tokenizer.json &&
        expect_error "tokenizer.json: is a FIFO" "$smol" generate -m hf -p hi
    ;;
unbounded_reads)
    expect_error "/dev/zero: is a character device" "$smol" tokenize -m "$model" -f /dev/zero
    expect_error "/dev/zero: is a character device" "$smol" disasm /dev/zero
    expect_error "/dev/zero: is a character device" "$smol" iss /dev/zero
    expect_error "standard input: more than [0-9]+ bytes" sh -c "exec \"$smol\" tokenize -m \"$model\" -f - < /dev/zero"
    ;;
iss_default_instruction_bound)
    printf 'spin: j spin\n' > spin.s && "$smol" asm spin.s -o spin.bin >/dev/null || exit 1
    "$smol" iss --help | grep -q "default 1000000000" || bad "--help does not state the default bound"
    err=$(timeout 300 "$smol" iss spin.bin 2>&1); status=$?
    [ "$status" -eq 12 ] && grep -q "stopped after --max-instructions 1000000000" <<<"$err" || bad "endless loop: exit $status: $err"
    ;;
quant_report_n_tokens)
    expect_error "--n-tokens 2147483647 is more than the model's context of 512" "$smol" quant-report -m "$model" --n-tokens 2147483647
    expect_error "--ids: 513 tokens are more than the model's context" "$smol" quant-report -m "$model" --ids "$(seq -s, 1 513)"
    ;;
numeric_flag_values)
    expect_error "--seed '-1' is not in 0..18446744073709551615" "$smol" generate -m "$model" --ids 1 --seed -1
    expect_error "--seed '18446744073709551616' is not in" "$smol" generate -m "$model" --ids 1 --seed 18446744073709551616
    expect_error "-n/--n-predict needs a value in 0..2147483647, got an empty string" "$smol" generate -m "$model" --ids 1 -n ""
    expect_error "--temp '1e39' is not in" "$smol" generate -m "$model" --ids 1 --temp 1e39
    expect_error "--temp 'nan' is not in" "$smol" chat -m "$model" --temp nan
    expect_error "--top-p '0' is not in \(0, 1\]" "$smol" generate -m "$model" --ids 1 --top-p 0
    expect_error "-c/--ctx-size '0' is not in 1..2147483647" "$smol" logits -m "$model" --ids 1 -o x.npy -c 0
    expect_error "-t/--threads '1,,2': item 2 is empty" "$smol" bench -m "$model" -t 1,,2
    expect_error "--seed '-5' is not in" "$smol" make-model --preset tiny --seed -5 --out never
    expect_error "--seed '' |--seed needs a value" "$smol" quant-report -m "$model" --seed ""
    expect_error "--max-instructions '12x' is not in" "$smol" iss x.bin --max-instructions 12x
    expect_error "--base '-1' is not in 0..4294967295" "$smol" disasm x.bin --base -1
    ;;
tokenizer_smaller_than_vocab)
    cp -r "$model" hf && /usr/bin/python3 - hf/tokenizer.json <<'PY' || exit 1
import json, sys
path = sys.argv[1]
t = json.load(open(path))
vocab = t["model"]["vocab"]
keep = {k: v for k, v in vocab.items() if v < 4000}
t["model"]["vocab"] = keep
t["model"]["merges"] = [m for m in t["model"]["merges"]
    if all(p in keep for p in (m.split(" ") if isinstance(m, str) else m)) and
       "".join(m.split(" ") if isinstance(m, str) else m) in keep]
t["added_tokens"] = [a for a in t["added_tokens"] if a["id"] < 4000]
json.dump(t, open(path, "w"))
PY
    # Half the ids have no text: at --temp 5 most samples are such ids. Both subcommands say so before
    # generating, and both keep going (chat used to die mid-reply, generate printed nothing without a word).
    note="note: hf: the tokenizer has 4000 tokens but the model's vocabulary has 8192; ids 4000..8191 have no text"
    err=$("$smol" generate -m hf -p hi -n 24 --temp 5 --seed 3 --ignore-eos 2>&1 >/dev/null); status=$?
    [ "$status" -eq 0 ] && grep -qF "$note" <<<"$err" && grep -q "generated: 24 tokens" <<<"$err" || bad "generate: exit $status: $err"
    err=$(printf 'Hi\nAgain\n' | "$smol" chat -m hf -n 24 --temp 5 --seed 3 --ignore-eos 2>&1 >/dev/null); status=$?
    [ "$status" -eq 0 ] && grep -qF "$note" <<<"$err" && [ "$(grep -c '24 generated' <<<"$err")" -eq 2 ] || bad "chat: exit $status: $err"
    [ "$(head -1 <<<"$err" | grep -c '^note:')" -eq 1 ] || bad "the note does not come before generating: $err"
    ;;
disasm_base_wrap)
    make_source && "$smol" asm a.s -o a.bin >/dev/null || exit 1
    expect_error "would end at 0x100000007, past the 32-bit address space" "$smol" disasm a.bin --base 0xfffffff0
    ;;
empty_image)
    : > empty.bin
    expect_error "empty.bin: the image is empty" "$smol" iss empty.bin
    ;;
messages_escape_file_text)
    cp -r "$model" hf && rm hf/model.safetensors && /usr/bin/python3 - hf <<'PY' || exit 1
import json, sys
d = sys.argv[1]
json.dump({"weight_map": {"model.embed_tokens.weight": "\u001b[31mRED\nline\u0000cut\u00ff.safetensors"}},
          open(d + "/model.safetensors.index.json", "w"))
PY
    err=$("$smol" generate -m hf --ids 1 2>&1 >/dev/null); status=$?
    [ "$status" -eq 1 ] || bad "exit $status"
    [ "$(printf '%s' "$err" | wc -l)" -eq 0 ] || bad "the message spans lines: $err"
    printf '%s' "$err" | LC_ALL=C grep -q $'\x1b' && bad "a raw ESC reached the terminal"
    grep -qF '\x1b[31mRED\x0aline\x00cut' <<<"$err" || bad "control characters not shown escaped (or the name cut short): $err"
    echo "message: $err"
    ;;
argument_errors)
    expect_error "unknown subcommand 'bogus' \(subcommands: make-model, convert" "$smol" bogus
    expect_error "--quant: q4 not in" "$smol" generate -m "$model" --ids 1 --quant q4
    expect_error "The following argument was not expected: --frobnicate" "$smol" generate -m "$model" --ids 1 --frobnicate
    expect_error "--model is required" "$smol" generate --ids 1
    "$smol" --help >/dev/null || bad "--help is not exit 0"
    err=$("$smol" make-model --preset tiny --out "$model" 2>&1); grep -q "^make-model:" <<<"$err" && bad "progress printed before the error: $err"
    "$smol" convert -m "$model" --quant q4_0 -o q4_0.smol 2>/dev/null || exit 1
    "$smol" generate -m q4_0.smol --ids 1 -n 1 --backend iss >/dev/null 2>&1 || bad "a converted q4_0 file does not run on --backend iss"
    ;;
chat_lines_and_commands)
    out=$(printf 'Hi\r\n/bogus thing\r\n/exit\r\nnever read\n' | timeout 60 "$smol" chat -m "$model" -n 2 --seed 1 2>&1); status=$?
    [ "$status" -eq 0 ] || bad "chat exit $status"
    grep -q "unknown command /bogus" <<<"$out" || bad "unknown command not answered: $out"
    [ "$(grep -c 'new prompt tokens' <<<"$out")" -eq 1 ] || bad "expected exactly one reply (the /exit\\r must end the chat): $out"
    echo "$out" | tail -3
    ;;
disasm_reassembles)
    make_source && "$smol" asm a.s -o a.bin --map a.map >/dev/null || exit 1
    "$smol" disasm a.bin --symbols a.map > round.s || bad "disasm failed"
    "$smol" asm round.s -o round.bin >/dev/null || bad "the disassembly does not assemble: $(head -20 round.s)"
    cmp a.bin round.bin || bad "re-assembled bytes differ"
    grep -q "^main.loop:" round.s || bad "labels from --symbols missing"
    head -c 4096 /dev/urandom > random.bin
    "$smol" disasm random.bin --base 0x2000 > random.s && "$smol" asm random.s -o random2.bin >/dev/null && cmp random.bin random2.bin ||
        bad "random words do not round-trip"
    ;;
nonfinite_weights)
    for bad_value in nan inf; do
        rm -rf hf && cp -r "$model" hf && /usr/bin/python3 - hf/model.safetensors "$bad_value" <<'PY' || exit 1
import json, struct, sys
path, kind = sys.argv[1], sys.argv[2]
data = bytearray(open(path, "rb").read())
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
t = header["model.layers.1.mlp.up_proj.weight"]
size = {"F32": 4, "BF16": 2, "F16": 2}[t["dtype"]]
at = 8 + n + t["data_offsets"][0] + 5 * size
word = struct.pack("<f", float(kind))
data[at:at + size] = word if size == 4 else word[2:4] if t["dtype"] == "BF16" else struct.pack("<e", float(kind))
open(path, "wb").write(data)
PY
        want=$([ "$bad_value" = nan ] && echo NaN || echo infinite)
        expect_error "tensor model.layers.1.mlp.up_proj.weight: element 5 is $want" "$smol" generate -m hf --ids 1 -n 1
        expect_error "tensor model.layers.1.mlp.up_proj.weight: element 5 is $want" "$smol" convert -m hf --quant q8 -o never.smol
        [ ! -e never.smol ] || bad "convert wrote a file from non-finite weights"
    done
    # A converted file: a NaN scale is found as the file is mapped.
    "$smol" convert -m "$model" --quant q8r -o good.smol 2>/dev/null || exit 1
    /usr/bin/python3 - good.smol <<'PY' || exit 1
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
entry = 128 + 48 * 2  # tensor 2: wq of layer 0
scales = struct.unpack_from("<Q", data, entry + 40)[0]
struct.pack_into("<f", data, scales + 4 * 3, float("nan"))
open(sys.argv[1], "wb").write(data)
PY
    expect_error "scales of tensor model.layers.0.self_attn.q_proj.weight: element 3 is NaN" "$smol" generate -m good.smol --ids 1 -n 1
    ;;
model_file_reserved_fields)
    "$smol" convert -m "$model" --quant q8 -o m.smol 2>/dev/null || exit 1
    # The header's reserved field, an unused eos slot, the header's end, the directory's padding, and the
    # alignment padding after the first tensor's data (norm vectors of 64 floats fill their blocks exactly).
    padding=$(/usr/bin/python3 -c "
import struct; d = open('m.smol', 'rb').read()
count = struct.unpack_from('<I', d, 16)[0]
first = struct.unpack_from('<Q', d, 128 + 24)[0]
print(128 + 48 * count, first - 1)")
    for at in 20 100 127 $padding; do
        cp m.smol bad.smol && printf '\x01' | dd of=bad.smol bs=1 seek=$at conv=notrunc status=none
        expect_error "byte $at \(.*\) is 0x01, expected 0" "$smol" generate -m bad.smol --ids 1 -n 1
    done
    "$smol" generate -m m.smol --ids 1 -n 1 >/dev/null 2>&1 || bad "the unmodified file does not load"
    ;;
json_bom)
    for f in config.json tokenizer.json tokenizer_config.json; do
        rm -rf hf && cp -r "$model" hf && { printf '\xef\xbb\xbf'; cat "$model/$f"; } > hf/$f
        expect_error "$f: starts with a UTF-8 byte order mark" "$smol" chat -m hf
    done
    rm -rf hf && cp -r "$model" hf && /usr/bin/python3 - hf/model.safetensors bom <<'PY' || exit 1
import struct, sys
path, how = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = data[8:8 + n].rstrip(b" ")
pad = n - len(header)
header = (b"\xef\xbb\xbf" + header + b" " * (pad - 3)) if how == "bom" else (header + b"\0" * pad)
assert pad >= 3 and len(header) == n
open(path, "wb").write(data[:8] + header + data[8 + n:])
PY
    expect_error "model.safetensors header: starts with a UTF-8 byte order mark" "$smol" generate -m hf --ids 1
    ;;
safetensors_nul_padding)
    cp -r "$model" hf && /usr/bin/python3 - hf/model.safetensors <<'PY' || exit 1
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = data[8:8 + n].rstrip(b" ")
if len(header) == n:  # no padding to turn into NULs: add 8 bytes of it, and move the data along
    n += 8
    data = struct.pack("<Q", n) + header + b" " * 8 + data[8 + len(header):]
header = data[8:8 + n].rstrip(b" ")
open(path, "wb").write(data[:8] + header + b"\0" * (n - len(header)) + data[8 + n:])
PY
    expect_error "model.safetensors header: NUL byte at offset" "$smol" generate -m hf --ids 1
    ;;
*) echo "unknown class $class"; exit 2 ;;
esac
[ "$failures" -eq 0 ] && echo "PASS $class" || { echo "$failures failure(s) in $class"; exit 1; }
