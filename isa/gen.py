#!/usr/bin/python3
"""SMOL-32 table generator: proves isa/opcodes.tbl sound, then emits isa/generated/*.

Usage:
  gen.py                 regenerate isa/generated/ from isa/opcodes.tbl
  gen.py --out DIR       write the generated files into DIR instead
  gen.py --check         fail (exit 1) if the committed isa/generated/ differs from a fresh generation
  gen.py --self-test     feed the soundness checker broken tables and require that each is rejected

Soundness (any violation is an error naming the table line):
  * every field lies inside bits 31..0, register fields have the register file's width;
  * every instruction covers each of its 32 bits exactly once (fixed ranges plus operand fields);
  * each fixed value fits its range; the fields listed are exactly those of the syntax template;
  * no two instructions overlap (some word matches both mask/match pairs), mnemonics are unique;
  * the all-zeros and all-ones words match no instruction (they must be illegal).
"""
import filecmp
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "opcodes.tbl")
GEN_DIR = os.path.join(HERE, "generated")
KINDS = ("xreg", "freg", "vreg", "simm", "uimm", "pcrel", "enum")
REG_WIDTH = {"xreg": 5, "freg": 5, "vreg": 3}
SECTIONS = ("int", "mem", "ctrl", "fp", "vec", "q8")  # one iss/src/exec_NAME.cpp each
FLAGS = ("load", "store", "q8", "multi")
WRITES = ("x", "xbase", "vl")
CPP_KEYWORDS = {"and", "or", "xor", "not", "bitand", "bitor", "compl", "and_eq", "or_eq", "xor_eq"}


class TableError(Exception):
    pass


class Field:
    def __init__(self, name, hi, lo, kind, scale, values, line, role=None, accessor=None):
        self.name, self.hi, self.lo, self.kind = name, hi, lo, kind
        self.scale, self.values, self.line = scale, values, line
        self.role = role                  # register fields: "dst" or "src"
        self.accessor = accessor or name  # decoded-operand name (o.rd(), o.simm())
        self.slot = None                  # register fields: index into operands::reg (set by assign_slots)

    @property
    def is_reg(self):
        return self.kind in REG_WIDTH

    @property
    def width(self):
        return self.hi - self.lo + 1

    @property
    def mask(self):
        return ((1 << self.width) - 1) << self.lo


class Instr:
    def __init__(self, mnemonic, fmt, fields, fixed, syntax, line, section, attrs):
        self.mnemonic, self.fmt, self.fields, self.fixed = mnemonic, fmt, fields, fixed
        self.syntax, self.line, self.section = syntax, line, section
        self.flops = attrs.get("flops", (0, 0, 0))  # (constant, per vl lane, per Q8 MAC)
        self.flags = attrs.get("flags", set())      # load store q8 multi
        self.writes = attrs.get("writes", set())    # x xbase vl, beyond the dst fields
        self.mask = 0
        self.match = 0
        self.operands = []  # field names in syntax order
        self.patterns = []  # syntax operands: (field, base field or None) for "field(base)"

    @property
    def ident(self):
        """C++ enumerator name: dots become underscores; C++ keywords (and, or, xor) get a trailing _."""
        name = self.mnemonic.replace(".", "_")
        return name + "_" if name in CPP_KEYWORDS else name


def parse_range(text, where):
    m = re.fullmatch(r"(\d+)\.\.(\d+)", text)
    if not m:
        raise TableError(f"{where}: bad bit range '{text}' (want HI..LO)")
    hi, lo = int(m.group(1)), int(m.group(2))
    if not (31 >= hi >= lo >= 0):
        raise TableError(f"{where}: bit range '{text}' outside 31..0 or reversed")
    return hi, lo


def syntax_operands(syntax, field_names):
    """Field names in the order the template mentions them."""
    return [tok for tok in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", syntax) if tok in field_names]


def syntax_patterns(syntax, where):
    """The template's comma-separated operands: "rd, simm16(rs1)" -> [("rd", None), ("simm16", "rs1")]."""
    patterns = []
    for piece in (p.strip() for p in syntax.split(",")) if syntax.strip() else []:
        m = re.fullmatch(r"([A-Za-z_]\w*)(?:\s*\(\s*([A-Za-z_]\w*)\s*\))?", piece)
        if not m:
            raise TableError(f"{where}: syntax operand '{piece}' is neither FIELD nor FIELD(BASE)")
        patterns.append((m.group(1), m.group(2)))
    return patterns


def parse_flops(text, where):
    """ "2vl-1" -> (-1, 2, 0): constant, per active lane, per Q8 MAC."""
    term = r"(\d+|\d*(vl|mac))"
    if not re.fullmatch(rf"-?{term}([+-]{term})*", text):
        raise TableError(f"{where}: bad flops '{text}' (want terms N, Nvl, Nmac joined by + or -)")
    total = {"": 0, "vl": 0, "mac": 0}
    for m in re.finditer(r"([+-]?)(\d*)(vl|mac)?", text):
        if m.group(0):
            n = int(m.group(2)) if m.group(2) else 1
            total[m.group(3) or ""] += -n if m.group(1) == "-" else n
    return total[""], total["vl"], total["mac"]


def parse(text, name="opcodes.tbl"):
    formats, fields, instrs, regfiles = {}, {}, [], {}
    section = None
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.split("#", 1)[0].rstrip()
        if "|" in line:
            body, syntax = line.split("|", 1)
            syntax = syntax.strip()
        else:
            body, syntax = line, None
        words = body.split()
        if not words:
            continue
        if words[0] == "format":
            if len(words) < 2:
                raise TableError(f"{where}: format needs a letter")
            formats[words[1]] = " ".join(words[2:])
            continue
        if words[0] == "section":
            if len(words) != 2 or words[1] not in SECTIONS:
                raise TableError(f"{where}: section needs one of {', '.join(SECTIONS)}")
            section = words[1]
            continue
        if words[0] == "regfile":
            if len(words) < 4 or words[1] not in REG_WIDTH or not re.fullmatch(r"[a-z]", words[2]):
                raise TableError(f"{where}: regfile needs KIND LETTER COUNT [ALIAS=N ...]")
            count = int(words[3], 0)
            if count != 1 << REG_WIDTH[words[1]]:
                raise TableError(f"{where}: {words[1]} has {1 << REG_WIDTH[words[1]]} registers, not {count}")
            aliases = []
            for a in words[4:]:
                m = re.fullmatch(r"([a-z][a-z0-9]*)=(\d+)", a)
                if not m or int(m.group(2)) >= count:
                    raise TableError(f"{where}: bad register alias '{a}'")
                aliases.append((m.group(1), int(m.group(2))))
            regfiles[words[1]] = (words[2], count, aliases)
            continue
        if words[0] == "field":
            if len(words) < 4:
                raise TableError(f"{where}: field needs NAME HI..LO KIND")
            fname, (hi, lo), kind = words[1], parse_range(words[2], where), words[3]
            if kind not in KINDS:
                raise TableError(f"{where}: unknown field kind '{kind}'")
            if fname in fields:
                raise TableError(f"{where}: duplicate field '{fname}'")
            scale, values, role, accessor = 1, [], None, None
            for opt in words[4:]:
                if opt.startswith("role="):
                    role = opt[5:]
                    if role not in ("dst", "src"):
                        raise TableError(f"{where}: role must be dst or src")
                elif opt.startswith("as="):
                    accessor = opt[3:]
                elif opt.startswith("scale="):
                    scale = int(opt[6:], 0)
                elif opt.startswith("values="):
                    values = [int(v, 0) for v in opt[7:].split(",")]
                else:
                    raise TableError(f"{where}: unknown field option '{opt}'")
            f = Field(fname, hi, lo, kind, scale, values, number, role, accessor)
            if f.is_reg and (role is None or accessor is not None):
                raise TableError(f"{where}: register field '{fname}' needs role= and takes no as=")
            if not f.is_reg and (role is not None or accessor is None):
                raise TableError(f"{where}: immediate field '{fname}' needs as= and takes no role=")
            if kind in REG_WIDTH and f.width != REG_WIDTH[kind]:
                raise TableError(f"{where}: {kind} field '{fname}' must be {REG_WIDTH[kind]} bits wide")
            if kind == "enum" and not (values and len(values) <= (1 << f.width)):
                raise TableError(f"{where}: enum field '{fname}' needs 1..{1 << f.width} values")
            if kind != "enum" and values:
                raise TableError(f"{where}: values= only applies to enum fields")
            fields[fname] = f
            continue
        if syntax is None:
            raise TableError(f"{where}: instruction line needs '| SYNTAX' (may be empty)")
        if len(words) < 2:
            raise TableError(f"{where}: instruction needs MNEMONIC FORMAT")
        mnemonic, fmt = words[0], words[1]
        if not re.fullmatch(r"[a-z][a-z0-9.]*", mnemonic):
            raise TableError(f"{where}: bad mnemonic '{mnemonic}'")
        if fmt not in formats:
            raise TableError(f"{where}: unknown format '{fmt}'")
        if section is None:
            raise TableError(f"{where}: instruction before any 'section' line")
        ifields, fixed, attrs = [], [], {"flags": set(), "writes": set()}
        for w in words[2:]:
            if w in FLAGS:
                attrs["flags"].add(w)
            elif w.startswith("flops="):
                attrs["flops"] = parse_flops(w[6:], where)
            elif w.startswith("writes="):
                for item in w[7:].split(","):
                    if item not in WRITES:
                        raise TableError(f"{where}: writes= takes {', '.join(WRITES)}, not '{item}'")
                    attrs["writes"].add(item)
            elif "=" in w:
                rng, val = w.split("=", 1)
                hi, lo = parse_range(rng, where)
                value = int(val, 0)
                if value < 0 or value >= (1 << (hi - lo + 1)):
                    raise TableError(f"{where}: value {val} does not fit bits {rng}")
                fixed.append((hi, lo, value))
            else:
                if w not in fields:
                    raise TableError(f"{where}: unknown field '{w}'")
                if w in ifields:
                    raise TableError(f"{where}: field '{w}' listed twice")
                ifields.append(w)
        instrs.append(Instr(mnemonic, fmt, ifields, fixed, syntax, number, section, attrs))
    for kind in REG_WIDTH:
        if any(f.kind == kind for f in fields.values()) and kind not in regfiles:
            raise TableError(f"{name}: no 'regfile {kind}' line")
    return formats, fields, instrs, regfiles


def prove(fields, instrs, name="opcodes.tbl"):
    seen = {}
    for ins in instrs:
        where = f"{name}:{ins.line} ({ins.mnemonic})"
        if ins.mnemonic in seen:
            raise TableError(f"{where}: duplicate mnemonic (first at line {seen[ins.mnemonic]})")
        seen[ins.mnemonic] = ins.line
        covered = 0
        for hi, lo, value in ins.fixed:
            m = ((1 << (hi - lo + 1)) - 1) << lo
            if covered & m:
                raise TableError(f"{where}: bits {hi}..{lo} covered twice")
            covered |= m
            ins.mask |= m
            ins.match |= value << lo
        for fname in ins.fields:
            f = fields[fname]
            if covered & f.mask:
                raise TableError(f"{where}: field '{fname}' ({f.hi}..{f.lo}) overlaps other bits")
            covered |= f.mask
        if covered != 0xFFFFFFFF:
            missing = [b for b in range(31, -1, -1) if not (covered >> b) & 1]
            raise TableError(f"{where}: bits {missing} not covered")
        ins.operands = syntax_operands(ins.syntax, fields)
        if sorted(ins.operands) != sorted(ins.fields) or len(set(ins.operands)) != len(ins.operands):
            raise TableError(f"{where}: syntax operands {ins.operands} differ from fields {ins.fields}")
        if len(ins.operands) > 4:
            raise TableError(f"{where}: more than 4 operands")
        ins.patterns = syntax_patterns(ins.syntax, where)
        if [n for p in ins.patterns for n in p if n] != ins.operands:
            raise TableError(f"{where}: syntax '{ins.syntax}' is not a list of FIELD or FIELD(BASE)")
        for fld, base in ins.patterns:
            if base and not fields[base].is_reg:
                raise TableError(f"{where}: the base in '{fld}({base})' must be a register")
        imms = [n for n in ins.fields if not fields[n].is_reg]
        if len(imms) > 1:
            raise TableError(f"{where}: more than one immediate field ({', '.join(imms)})")
        for n in ins.fields:
            f = fields[n]
            if f.role == "dst" and f.hi != 25 and f.hi != 23:
                raise TableError(f"{where}: dst field '{n}' must start at bit 25 (x, f) or 23 (v)")
        if "x" in ins.writes and not (ins.fields and fields[ins.fields[0]].kind == "xreg"):
            raise TableError(f"{where}: writes=x needs an integer register as the first field")
        if "xbase" in ins.writes and "rs1" not in ins.fields:
            raise TableError(f"{where}: writes=xbase needs an rs1 field")
    for i, a in enumerate(instrs):
        for b in instrs[i + 1:]:
            if ((a.match ^ b.match) & a.mask & b.mask) == 0:
                raise TableError(f"{name}:{b.line}: encoding of '{b.mnemonic}' overlaps "
                                 f"'{a.mnemonic}' (line {a.line})")
    assign_slots(fields, instrs)
    for word in (0x00000000, 0xFFFFFFFF):
        for ins in instrs:
            if (word & ins.mask) == ins.match and not reserved_enum(fields, ins, word):
                raise TableError(f"{name}:{ins.line}: word {word:#010x} decodes as '{ins.mnemonic}'"
                                 " but must be illegal")


def assign_slots(fields, instrs):
    """Register fields share one of 4 byte slots of the decoded operands when no instruction uses both."""
    for f in fields.values():
        if not f.is_reg:
            continue
        taken = {fields[n].slot for ins in instrs if f.name in ins.fields for n in ins.fields}
        f.slot = next(s for s in range(5) if s not in taken)
        if f.slot > 3:
            raise TableError(f"opcodes.tbl:{f.line}: field '{f.name}' needs a fifth operand slot")


def reserved_enum(fields, ins, word):
    for fname in ins.fields:
        f = fields[fname]
        if f.kind == "enum" and ((word >> f.lo) & ((1 << f.width) - 1)) >= len(f.values):
            return True
    return False


# ---------------------------------------------------------------- emitters

HEADER_DOC = """\
// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit; run `/usr/bin/python3 isa/gen.py`.
//
// The SMOL-32 instruction table as C++ data: the assembler, the disassembler and the ISS decoder all
// use this and nothing else. How to use it:
//
//   Decode:   smol::isa::opcode op = smol::isa::decode(bits);      // opcode::invalid if illegal
//             const smol::isa::instr_desc& d = smol::isa::describe(op);
//             for (unsigned i = 0; i < d.operand_count; ++i) {
//                 smol::isa::field f = d.operands[i];               // operands in syntax order
//                 int64_t v = smol::isa::operand_value(f, bits);    // architectural value (below)
//             }
//   Encode:   std::array<int64_t, 2> ops{5, 3};                     // values in syntax order
//             std::optional<uint32_t> bits = smol::isa::encode(op, ops);  // nullopt if one doesn't fit
//             (smol::isa::operand_fits(f, v) tells which operand is out of range.)
//   Look up:  smol::isa::find_mnemonic("addi") -> std::optional<opcode>.
//
// Operand values (operand_value / encode), by describe(field).kind:
//   xreg, freg, vreg   register number (r0..r31, f0..f31, v0..v7)
//   simm               sign-extended immediate;  uimm: zero-extended immediate
//   pcrel              byte offset from the instruction's own pc (target - pc); encoded as
//                      offset / scale, so it must be a multiple of scale
//   enumerated         the value itself (e.g. 16, 32 or 64); encoded as its index in `values`
//
// Syntax templates (instr_desc::syntax) use the field names literally, e.g. "rd, simm16(rs1)":
// each field name is an operand, the rest (", ", "(", ")") is literal punctuation. Registers are
// written r0..r31, f0..f31, v0..v7 in assembly; immediates in decimal or 0x hex.
// Enumerators are the mnemonics with '.' -> '_' (fcvt.s.w -> fcvt_s_w); the C++ keywords and, or, xor
// become and_, or_, xor_. The table is append-only: new instructions go at the end of their group.
"""


def cpp_header(formats, fields, instrs):
    out = [HEADER_DOC, "#pragma once\n",
           "#include <array>\n#include <cstddef>\n#include <cstdint>\n#include <optional>\n"
           "#include <span>\n#include <string_view>\n\nnamespace smol::isa {\n"]
    out.append("enum class operand_kind : uint8_t { xreg, freg, vreg, simm, uimm, pcrel, enumerated };\n\n")
    out.append("// Instruction formats (see docs/isa.md).\nenum class format : uint8_t {\n")
    for letter, desc in formats.items():
        out.append(f"    {letter},  // {desc}\n")
    out.append("};\n\n")
    out.append("enum class field : uint8_t {\n")
    for f in fields.values():
        out.append(f"    {f.name},  // {f.hi}..{f.lo} {f.kind}\n")
    out.append("};\n")
    out.append(f"inline constexpr std::size_t field_count = {len(fields)};\n\n")
    out.append("enum class opcode : uint16_t {\n")
    for ins in instrs:
        out.append(f"    {ins.ident},\n")
    out.append("    invalid,  // decode() result for an illegal word; not an instruction\n};\n")
    out.append(f"inline constexpr std::size_t opcode_count = {len(instrs)};\n")
    out.append("static_assert(static_cast<std::size_t>(opcode::invalid) == opcode_count);\n\n")
    out.append("""enum class field_role : uint8_t { dst, src, imm };  // register written / register read / immediate

struct field_desc {
    std::string_view name;
    uint8_t lo;       // lowest bit
    uint8_t width;    // number of bits
    operand_kind kind;
    field_role role;
    uint8_t scale;    // pcrel: bytes per encoded unit; 1 otherwise
    std::span<const int32_t> values;  // enumerated: value of each code; other codes are reserved
    int64_t min_value, max_value;     // architectural range (pcrel: also a multiple of scale)
};

// A register file as assembly spells it: letter + number (r5, f0, v7), plus ABI aliases.
struct reg_alias {
    std::string_view name;
    uint8_t index;
};
struct regfile_desc {
    operand_kind kind;  // xreg, freg or vreg
    char letter;
    uint8_t count;
    std::span<const reg_alias> aliases;
};
std::span<const regfile_desc> regfiles();
const regfile_desc* describe_regfile(operand_kind kind);  // nullptr for an immediate kind

// One operand of the syntax template: `operands[field]`, or `operands[field](operands[base])`.
struct syntax_operand {
    uint8_t field;    // index into instr_desc::operands
    int8_t base = -1; // memory form: index of the register in parentheses, else -1
};

// The ISS source file whose functions give the semantics (iss/src/exec_<section>.cpp).
enum class section : uint8_t { int_, mem, ctrl, fp, vec, q8 };

// fp32 operations per execution: max(0, constant + per_lane * vl + per_mac * Q8 MACs).
struct flop_rule {
    int8_t constant, per_lane, per_mac;
};

struct instr_desc {
    std::string_view mnemonic;
    format fmt;
    uint32_t mask;    // bits fixed by the encoding
    uint32_t match;   // their values: (bits & mask) == match
    uint8_t operand_count;
    std::array<field, 4> operands;  // in syntax order; only the first operand_count are meaningful
    std::string_view syntax;        // operand template, e.g. "rd, simm16(rs1)"
    uint8_t syntax_count;           // comma-separated operands of the template
    std::array<syntax_operand, 4> syntax_operands;
    section sec;
    flop_rule flops;
};

const field_desc& describe(field f);
const instr_desc& describe(opcode op);

// Decode by mask/match; opcode::invalid when no instruction matches or an enumerated field holds a
// reserved code.
opcode decode(uint32_t bits);

std::optional<opcode> find_mnemonic(std::string_view mnemonic);

// Raw field bits (no sign extension, no scaling).
constexpr uint32_t field_bits(uint32_t bits, uint8_t lo, uint8_t width) {
    return (bits >> lo) & (width >= 32 ? 0xFFFFFFFFu : ((1u << width) - 1u));
}

// Architectural value of an operand (see the table above).
int64_t operand_value(field f, uint32_t bits);

// True when `value` is representable in the field.
bool operand_fits(field f, int64_t value);

// The field's bits in place (0 elsewhere); requires operand_fits(f, value).
uint32_t operand_insert(field f, int64_t value);

// Encode an instruction from operand values in syntax order; nullopt if the count is wrong or a value
// does not fit.
std::optional<uint32_t> encode(opcode op, std::span<const int64_t> operands);

OPERANDS_STRUCT

}  // namespace smol::isa
""")
    text = "".join(out)
    return text.replace("OPERANDS_STRUCT\n", operands_struct(fields))


def operands_struct(fields):
    out = ["""// Decoded operands by name, like Spike's insn.rs1(): register numbers, and the immediate's
// architectural value (sign-extended, scaled; enumerated: the value). Register fields that no
// instruction uses together share a byte slot, so reading a field the instruction lacks is meaningless.
struct operands {
    opcode op = opcode::invalid;
    std::array<uint8_t, 4> reg{};
    int32_t imm = 0;

"""]
    for f in fields.values():
        if f.is_reg:
            out.append(f"    constexpr unsigned {f.name}() const {{ return reg[{f.slot}]; }}  // {f.kind} {f.role}\n")
    seen = set()
    for f in fields.values():
        if not f.is_reg and f.accessor not in seen:
            seen.add(f.accessor)
            signed = f.kind in ("simm", "pcrel")
            users = ", ".join(g.name for g in fields.values() if g.accessor == f.accessor)
            if signed:
                out.append(f"    constexpr int32_t {f.accessor}() const {{ return imm; }}  // {users}\n")
            else:
                out.append(f"    constexpr uint32_t {f.accessor}() const {{ return static_cast<uint32_t>(imm); }}  // {users}\n")
    out.append("};\n\n// The operands of a word; op == opcode::invalid (and nothing else set) for an illegal word.\n"
               "operands decode_operands(uint32_t bits);\n")
    return "".join(out)


def value_range(f):
    """Architectural value range of a field, as C++ literals."""
    if f.kind in ("simm", "pcrel"):
        return f"{-(1 << (f.width - 1)) * f.scale}", f"{((1 << (f.width - 1)) - 1) * f.scale}"
    if f.kind == "enum":
        return str(min(f.values)), str(max(f.values))
    return "0", str((1 << f.width) - 1)


def cpp_source(formats, fields, instrs, regfiles):
    out = ["// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit.\n",
           '#include "isa/generated/smol32_isa.h"\n\n#include <array>\n\nnamespace smol::isa {\nnamespace {\n\n']
    kind_map = {"xreg": "xreg", "freg": "freg", "vreg": "vreg", "simm": "simm", "uimm": "uimm",
                "pcrel": "pcrel", "enum": "enumerated"}
    for f in fields.values():
        if f.values:
            vals = ", ".join(str(v) for v in f.values)
            out.append(f"constexpr std::array<int32_t, {len(f.values)}> values_{f.name}{{{vals}}};\n")
    out.append(f"\nconstexpr std::array<field_desc, field_count> field_table{{{{\n")
    for f in fields.values():
        vals = f"values_{f.name}" if f.values else "{}"
        lo, hi = value_range(f)
        out.append(f'    {{"{f.name}", {f.lo}, {f.width}, operand_kind::{kind_map[f.kind]}, '
                   f'field_role::{f.role or "imm"}, {f.scale}, {vals}, {lo}, {hi}}},\n')
    out.append("}};\n\n")
    for kind, (letter, count, aliases) in regfiles.items():
        if aliases:
            items = ", ".join(f'{{"{n}", {i}}}' for n, i in aliases)
            out.append(f"constexpr std::array<reg_alias, {len(aliases)}> aliases_{kind}{{{{{items}}}}};\n")
    out.append(f"constexpr std::array<regfile_desc, {len(regfiles)}> regfile_table{{{{\n")
    for kind, (letter, count, aliases) in regfiles.items():
        out.append(f"    {{operand_kind::{kind}, '{letter}', {count}, {f'aliases_{kind}' if aliases else '{}'}}},\n")
    out.append("}};\n\n")
    out.append("constexpr std::array<instr_desc, opcode_count> instr_table{{\n")
    for ins in instrs:
        ops = [f"field::{o}" for o in ins.operands] + ["field::rd"] * (4 - len(ins.operands))
        pats = [f"{{{ins.operands.index(fld)}, {ins.operands.index(base) if base else -1}}}"
                for fld, base in ins.patterns] + ["{0, -1}"] * (4 - len(ins.patterns))
        sec = "int_" if ins.section == "int" else ins.section
        c, v, m = ins.flops
        out.append(f'    {{"{ins.mnemonic}", format::{ins.fmt}, 0x{ins.mask:08x}u, 0x{ins.match:08x}u, '
                   f'{len(ins.operands)}, {{{", ".join(ops)}}}, "{ins.syntax}", {len(ins.patterns)}, '
                   f'{{{{{", ".join(pats)}}}}}, section::{sec}, {{{c}, {v}, {m}}}}},\n')
    out.append("}};\n\n")
    slots = ", ".join(str(f.slot if f.is_reg else 0) for f in fields.values())
    out.append(f"// operands::reg index of each register field (see struct operands).\n"
               f"constexpr std::array<uint8_t, field_count> register_slot{{{slots}}};\n\n")
    out.append("bool reserved_code(opcode op, uint32_t bits) {\n    switch (op) {\n")
    for ins in instrs:
        checks = [fields[n] for n in ins.fields if fields[n].kind == "enum"]
        if checks:
            cond = " || ".join(f"field_bits(bits, {f.lo}, {f.width}) >= {len(f.values)}u" for f in checks)
            out.append(f"    case opcode::{ins.ident}: return {cond};\n")
    out.append("    default: return false;\n    }\n}\n\n")
    out.append("}  // namespace\n\n")
    out.append("const field_desc& describe(field f) { return field_table[static_cast<std::size_t>(f)]; }\n\n")
    out.append("const instr_desc& describe(opcode op) { return instr_table[static_cast<std::size_t>(op)]; }\n\n")
    # decode: switch on the major opcode bits 31..26 when every instruction fixes them, else linear.
    major_fixed = all((ins.mask >> 26) == 0x3F for ins in instrs)
    out.append("opcode decode(uint32_t bits) {\n")
    if major_fixed:
        groups = {}
        for ins in instrs:
            groups.setdefault(ins.match >> 26, []).append(ins)
        out.append("    opcode op = opcode::invalid;\n    switch (bits >> 26) {\n")
        for major in sorted(groups):
            out.append(f"    case 0x{major:02x}:\n")
            for ins in groups[major]:
                out.append(f"        if ((bits & 0x{ins.mask:08x}u) == 0x{ins.match:08x}u) {{ op = opcode::{ins.ident}; break; }}\n")
            out.append("        break;\n")
        out.append("    default: break;\n    }\n")
    else:
        out.append("    opcode op = opcode::invalid;\n    for (std::size_t i = 0; i < opcode_count; ++i)\n"
                   "        if ((bits & instr_table[i].mask) == instr_table[i].match) { op = static_cast<opcode>(i); break; }\n")
    out.append("    if (op != opcode::invalid && reserved_code(op, bits)) return opcode::invalid;\n    return op;\n}\n\n")
    out.append("""std::span<const regfile_desc> regfiles() { return regfile_table; }

const regfile_desc* describe_regfile(operand_kind kind) {
    for (const regfile_desc& r : regfile_table)
        if (r.kind == kind) return &r;
    return nullptr;
}

operands decode_operands(uint32_t bits) {
    operands o;
    o.op = decode(bits);
    if (o.op == opcode::invalid) return o;
    const instr_desc& d = describe(o.op);
    for (unsigned i = 0; i < d.operand_count; ++i) {
        const field_desc& f = describe(d.operands[i]);
        const int64_t value = operand_value(d.operands[i], bits);
        if (f.role == field_role::imm)
            o.imm = static_cast<int32_t>(value);
        else
            o.reg[register_slot[static_cast<std::size_t>(d.operands[i])]] = static_cast<uint8_t>(value);
    }
    return o;
}

std::optional<opcode> find_mnemonic(std::string_view mnemonic) {
    for (std::size_t i = 0; i < opcode_count; ++i)
        if (instr_table[i].mnemonic == mnemonic) return static_cast<opcode>(i);
    return std::nullopt;
}

int64_t operand_value(field f, uint32_t bits) {
    const field_desc& d = describe(f);
    uint32_t raw = field_bits(bits, d.lo, d.width);
    switch (d.kind) {
    case operand_kind::simm:
    case operand_kind::pcrel: {
        int64_t v = raw;
        if (raw >> (d.width - 1)) v -= int64_t{1} << d.width;
        return v * d.scale;
    }
    case operand_kind::enumerated:
        return raw < d.values.size() ? d.values[raw] : -1;
    default:
        return raw;
    }
}

namespace {
std::optional<uint32_t> field_code(const field_desc& d, int64_t value) {
    switch (d.kind) {
    case operand_kind::simm:
    case operand_kind::pcrel: {
        if (value % d.scale != 0) return std::nullopt;
        int64_t units = value / d.scale;
        int64_t lo = -(int64_t{1} << (d.width - 1)), hi = (int64_t{1} << (d.width - 1)) - 1;
        if (units < lo || units > hi) return std::nullopt;
        return static_cast<uint32_t>(units) & ((1u << d.width) - 1u);
    }
    case operand_kind::enumerated:
        for (std::size_t i = 0; i < d.values.size(); ++i)
            if (d.values[i] == value) return static_cast<uint32_t>(i);
        return std::nullopt;
    default:
        if (value < 0 || value >= (int64_t{1} << d.width)) return std::nullopt;
        return static_cast<uint32_t>(value);
    }
}
}  // namespace

bool operand_fits(field f, int64_t value) { return field_code(describe(f), value).has_value(); }

uint32_t operand_insert(field f, int64_t value) {
    const field_desc& d = describe(f);
    return field_code(d, value).value_or(0) << d.lo;
}

std::optional<uint32_t> encode(opcode op, std::span<const int64_t> operands) {
    if (op == opcode::invalid) return std::nullopt;
    const instr_desc& d = describe(op);
    if (operands.size() != d.operand_count) return std::nullopt;
    uint32_t bits = d.match;
    for (std::size_t i = 0; i < d.operand_count; ++i) {
        if (!operand_fits(d.operands[i], operands[i])) return std::nullopt;
        bits |= operand_insert(d.operands[i], operands[i]);
    }
    return bits;
}

}  // namespace smol::isa
""")
    return "".join(out)


def verilog_header(formats, fields, instrs):
    out = ["// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit.\n",
           "// SMOL-32 decode constants: an instruction word w is OP iff (w & `SMOL_OP_<OP>_MASK) == `SMOL_OP_<OP>_MATCH.\n",
           "`ifndef SMOL32_ISA_VH\n`define SMOL32_ISA_VH\n\n",
           f"`define SMOL_OPCODE_COUNT {len(instrs)}\n`define SMOL_OPCODE_BITS 7\n\n// Operand fields: bit range.\n"]
    for f in fields.values():
        N = f.name.upper()
        out.append(f"`define SMOL_FIELD_{N}_HI {f.hi}\n`define SMOL_FIELD_{N}_LO {f.lo}\n")
    out.append("\n// Instructions: index (dense, table order), mask and match.\n")
    for i, ins in enumerate(instrs):
        N = ins.mnemonic.replace(".", "_").upper()
        out.append(f"`define SMOL_OP_{N}_ID 7'd{i}\n`define SMOL_OP_{N}_MASK 32'h{ins.mask:08x}\n"
                   f"`define SMOL_OP_{N}_MATCH 32'h{ins.match:08x}\n")
    out.append("\n`endif  // SMOL32_ISA_VH\n")
    return "".join(out)


ROLE_BITS = (  # bit name, meaning: the Verilog role word, least significant bit first
    ("WX", "writes x[w[25:21]] (rd; loop's counter)"),
    ("WX_BASE", "writes x[w[20:16]] (rs1 post-increment of lvinc/svinc)"),
    ("WF", "writes f[w[25:21]]"),
    ("WV", "writes v[w[23:21]] (lanes 0..vl-1, or one lane for vsetl)"),
    ("WVL", "writes vl"),
    ("LOAD", "reads data memory"),
    ("STORE", "writes data memory"),
    ("Q8", "reads or writes Q8 MAC unit state (acc, scale, weight/activation pointers)"),
    ("MULTI", "more than one cycle in a simple pipelined core"),
)


def roles(ins, fields):
    bits = set()
    for n in ins.fields:
        f = fields[n]
        if f.role == "dst":
            bits.add({"xreg": "WX", "freg": "WF", "vreg": "WV"}[f.kind])
    bits |= {{"x": "WX", "xbase": "WX_BASE", "vl": "WVL"}[w] for w in ins.writes}
    bits |= {f.upper() for f in ins.flags}
    return bits


def verilog_field_expr(f):
    """A Verilog expression for the architectural value of field f of the word `w` (a signal name)."""
    bits = f"w[{f.hi}:{f.lo}]" if f.width > 1 else f"w[{f.lo}]"
    if f.is_reg:
        return bits
    shift = {1: 0, 2: 1, 4: 2, 8: 3}.get(f.scale)
    if shift is None:
        raise TableError(f"opcodes.tbl:{f.line}: scale {f.scale} is not a power of two up to 8")
    if f.kind in ("simm", "pcrel"):
        ext = 32 - f.width - shift
        low = f", {shift}'b{'0' * shift}" if shift else ""
        return f"{{{{{ext}{{w[{f.hi}]}}}}, {bits}{low}}}"
    if f.kind == "uimm":
        return f"{{{32 - f.width}'d0, {bits}}}"
    expr = "32'd0"
    for code in range(len(f.values) - 1, -1, -1):
        expr = f"({bits} == {f.width}'d{code} ? 32'd{f.values[code]} : {expr})"
    return expr


DECODE_DOC = """\
// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit; run `/usr/bin/python3 isa/gen.py`.
//
// SMOL-32 decode for the RTL core, in two files derived from the table:
//   smol32_decode.vh      macros only (widths, role bit indices, field extraction): `include anywhere,
//                         e.g. at file scope before a module's ports; guarded, so including it twice is fine;
//   smol32_decode_fn.vh   the functions smol_decode_op and smol_op_roles: `include it inside each module
//                         body that calls them (it includes smol32_decode.vh itself).
// Opcode ids are the SMOL_OP_<NAME>_ID of smol32_isa.vh (dense, table order), included here. Accepted by
// Icarus Verilog 11, Verilator 5.006 (--lint-only -Wall) and Yosys 0.23 (tests isa_decode_verilog_*).
//
//   SMOL_DEC_OP_W                 width of an opcode id
//   SMOL_DEC_OP_INVALID           the id smol_decode_op returns for an illegal word
//   smol_decode_op(w)             function: opcode id of the 32-bit word w, by mask/match (casez), or
//                                 SMOL_DEC_OP_INVALID (no match, or a reserved enumerated code)
//   SMOL_ROLE_W                   width of a role word;  SMOL_ROLE_<BIT> the index of one role bit
//   smol_op_roles(op)             function: the role word of opcode id op (0 for SMOL_DEC_OP_INVALID)
//   SMOL_DEC_<FIELD>(w)           macro: field FIELD of word w (w must be a plain signal name).
//                                 Registers: the register number (5 bits; 3 for v registers).
//                                 Immediates: 32 bits, already sign- or zero-extended and scaled, i.e.
//                                 the architectural value (pcrel: byte offset from the instruction's pc;
//                                 enumerated: the value itself, 0 for a reserved code).
//
// Role bits (SMOL_ROLE_<BIT>):
"""


def verilog_decode(formats, fields, instrs):
    out = [DECODE_DOC]
    for i, (name, doc) in enumerate(ROLE_BITS):
        out.append(f"//   {name:<8} {doc}\n")
    out.append("//\n// Fields:\n")
    for f in fields.values():
        what = f"{f.kind} {f.role}" if f.is_reg else f.kind + (f" x{f.scale}" if f.scale != 1 else "")
        out.append(f"//   {f.name.upper():<8} {f.hi}..{f.lo} {what}\n")
    out.append('\n`include "smol32_isa.vh"\n\n`ifndef SMOL32_DECODE_VH\n`define SMOL32_DECODE_VH\n\n')
    out.append(f"`define SMOL_DEC_OP_W 7\n`define SMOL_DEC_OP_INVALID 7'd{len(instrs)}\n")
    if len(instrs) >= 127:
        raise TableError("opcodes.tbl: more than 126 instructions do not fit 7-bit opcode ids")
    out.append(f"`define SMOL_ROLE_W {len(ROLE_BITS)}\n")
    for i, (name, _) in enumerate(ROLE_BITS):
        out.append(f"`define SMOL_ROLE_{name} {i}\n")
    out.append("\n")
    for f in fields.values():
        out.append(f"`define SMOL_DEC_{f.name.upper()}(w) {verilog_field_expr(f)}\n")
    out.append("\n`endif  // SMOL32_DECODE_VH\n")
    return "".join(out)


def verilog_decode_functions(instrs, fields):
    out = ["// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit.\n"
           "// SMOL-32 decode functions; `include inside a module body. Documented in smol32_decode.vh.\n"
           '`include "smol32_decode.vh"\n\n']
    out.append("function automatic [`SMOL_DEC_OP_W-1:0] smol_decode_op(input [31:0] w);\n"
               "    reg [`SMOL_DEC_OP_W-1:0] op;\n    begin\n        casez (w)\n")
    for ins in instrs:
        pattern = "".join(("1" if (ins.match >> b) & 1 else "0") if (ins.mask >> b) & 1 else "?"
                          for b in range(31, -1, -1))
        pattern = "_".join(pattern[i:i + 8] for i in range(0, 32, 8))
        out.append(f"            32'b{pattern}: op = `SMOL_OP_{ins.ident.rstrip('_').upper()}_ID;\n")
    out.append("            default: op = `SMOL_DEC_OP_INVALID;\n        endcase\n")
    for ins in instrs:
        for n in ins.fields:
            f = fields[n]
            if f.kind == "enum" and len(f.values) < (1 << f.width):
                out.append(f"        if (op == `SMOL_OP_{ins.ident.rstrip('_').upper()}_ID && "
                           f"w[{f.hi}:{f.lo}] >= {f.width}'d{len(f.values)}) op = `SMOL_DEC_OP_INVALID;\n")
    out.append("        smol_decode_op = op;\n    end\nendfunction\n\n")
    out.append("function automatic [`SMOL_ROLE_W-1:0] smol_op_roles(input [`SMOL_DEC_OP_W-1:0] op);\n"
               "    begin\n        case (op)\n")
    for ins in instrs:
        r = roles(ins, fields)
        word = "".join("1" if name in r else "0" for name, _ in reversed(ROLE_BITS))
        names = " ".join(name for name, _ in ROLE_BITS if name in r)
        out.append(f"            `SMOL_OP_{ins.ident.rstrip('_').upper()}_ID: smol_op_roles = "
                   f"{len(ROLE_BITS)}'b{word};{'  // ' + names if names else ''}\n")
    out.append(f"            default: smol_op_roles = {len(ROLE_BITS)}'b0;\n        endcase\n    end\nendfunction\n")
    return "".join(out)


def dispatch_header(instrs):
    out = ["""// GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit.
//
// The SMOL-32 opcodes as X-macros, so that code written per instruction is checked against the table
// at compile time. SMOL_ISA_SECTION_<S>(X) expands X(ident, flops_constant, flops_per_lane,
// flops_per_mac) once per instruction of section S, in table order; ident is the isa::opcode
// enumerator. The ISS's iss/src/exec_<s>.cpp expands its section's list to install one function per
// instruction, so a table row without semantics does not compile (there is no default case).
#pragma once

"""]
    for sec in SECTIONS:
        rows = [ins for ins in instrs if ins.section == sec]
        out.append(f"#define SMOL_ISA_SECTION_{sec.upper()}(X) \\\n")
        for i, ins in enumerate(rows):
            c, v, m = ins.flops
            out.append(f"    X({ins.ident}, {c}, {v}, {m}){' ' + chr(92) if i + 1 < len(rows) else ''}\n")
        out.append("\n")
    return "".join(out)


def bit_layout(ins, fields):
    parts = []
    for hi, lo, value in ins.fixed:
        w = hi - lo + 1
        parts.append((hi, f"{hi}..{lo}={value:#x}" if w > 1 else f"{hi}={value}"))
    for n in ins.fields:
        f = fields[n]
        parts.append((f.hi, f"{f.hi}..{f.lo}:{n}"))
    return " ".join(p for _, p in sorted(parts, reverse=True))


def markdown(formats, fields, instrs):
    out = ["<!-- GENERATED by isa/gen.py from isa/opcodes.tbl -- do not edit. -->\n",
           "# SMOL-32 encodings\n\n",
           f"{len(instrs)} instructions. A word is an instruction when `(word & mask) == match`.\n\n",
           "| field | bits | kind |\n|---|---|---|\n"]
    for f in fields.values():
        extra = f" x{f.scale}" if f.scale != 1 else ""
        extra += f" values {','.join(map(str, f.values))}" if f.values else ""
        out.append(f"| `{f.name}` | {f.hi}..{f.lo} | {f.kind}{extra} |\n")
    out.append("\n| mnemonic | fmt | syntax | mask | match | layout |\n|---|---|---|---|---|---|\n")
    for ins in instrs:
        usage = f"{ins.mnemonic} {ins.syntax}".rstrip()
        out.append(f"| `{ins.mnemonic}` | {ins.fmt} | `{usage}`" +
                   f" | `{ins.mask:08x}` | `{ins.match:08x}` | {bit_layout(ins, fields)} |\n")
    return "".join(out)


def generate(text):
    formats, fields, instrs, regfiles = parse(text)
    prove(fields, instrs)
    return {
        "smol32_isa.h": cpp_header(formats, fields, instrs),
        "smol32_isa.cpp": cpp_source(formats, fields, instrs, regfiles),
        "smol32_dispatch.h": dispatch_header(instrs),
        "smol32_isa.vh": verilog_header(formats, fields, instrs),
        "smol32_decode.vh": verilog_decode(formats, fields, instrs),
        "smol32_decode_fn.vh": verilog_decode_functions(instrs, fields),
        "opcodes.md": markdown(formats, fields, instrs),
    }


def self_test(text):
    """Each mutation breaks one soundness rule; the checker must reject every one."""
    base = ("format R r\nregfile xreg r 32\nsection int\nfield rd 25..21 xreg role=dst\n"
            "field rs1 20..16 xreg role=src\nfield imm 15..0 simm as=imm\n")
    good = base + "a R rd rs1 imm 31..26=1 | rd, rs1, imm\nb R rd rs1 imm 31..26=2 | rd, rs1, imm\n"
    bad = {
        "uncovered bit": base + "a R rd rs1 imm 31..27=1 | rd, rs1, imm\n",
        "bit covered twice": base + "a R rd rs1 imm 31..25=1 | rd, rs1, imm\n",
        "value too wide": base + "a R rd rs1 imm 31..26=64 | rd, rs1, imm\n",
        "overlap": base + "a R rd rs1 imm 31..26=1 | rd, rs1, imm\nb R rd rs1 imm 31..26=1 | rd, rs1, imm\n",
        "duplicate mnemonic": base + "a R rd rs1 imm 31..26=1 | rd, rs1, imm\na R rd rs1 imm 31..26=2 | rd, rs1, imm\n",
        "syntax mismatch": base + "a R rd rs1 imm 31..26=1 | rd, imm\n",
        "all-zeros legal": base + "a R rd rs1 imm 31..26=0 | rd, rs1, imm\n",
        "all-ones legal": base + "a R rd rs1 imm 31..26=63 | rd, rs1, imm\n",
        "bad register width": "format R r\nfield rd 25..20 xreg role=dst\n",
        "register field without role": "format R r\nfield rd 25..21 xreg\n",
        "bad flops": base + "a R rd rs1 imm 31..26=1 flops=2x | rd, rs1, imm\n",
        "dst field elsewhere": base.replace("rs1 20..16 xreg role=src", "rs1 20..16 xreg role=dst")
                               + "a R rd rs1 imm 31..26=1 | rd, rs1, imm\n",
        "two immediates": base + "field imm2 20..16 uimm as=imm2\n"
                          + "a R rd rs1 imm 31..26=1 | rd, rs1, imm\nb R rd imm imm2 31..26=2 20..16=0 | rd, imm, imm2\n",
        "bad syntax operand": base + "a R rd rs1 imm 31..26=1 | rd, rs1 imm\n",
        "unknown field": base + "a R rd rs9 31..26=1 | rd, rs9\n",
        "unknown format": base + "a Q rd rs1 imm 31..26=1 | rd, rs1, imm\n",
    }
    formats, fields, instrs, regfiles = parse(good)
    prove(fields, instrs)
    failures = 0
    for what, table in bad.items():
        try:
            f2, fl2, in2, rf2 = parse(table)
            prove(fl2, in2)
        except TableError:
            continue
        print(f"self-test: checker accepted a table with: {what}")
        failures += 1
    generate(text)  # the real table must pass
    print("self-test:", "FAILED" if failures else f"ok ({len(bad)} broken tables rejected)")
    return 1 if failures else 0


def main(argv):
    text = open(TABLE).read()
    try:
        if "--self-test" in argv:
            return self_test(text)
        files = generate(text)
    except TableError as e:
        print(f"gen.py: error: {e}", file=sys.stderr)
        return 1
    if "--check" in argv:
        # Regenerate into a temporary directory and compare byte for byte with the committed files.
        stale = []
        with tempfile.TemporaryDirectory() as tmp:
            write_files(files, tmp)
            for name in sorted(files):
                path = os.path.join(GEN_DIR, name)
                if not os.path.exists(path) or not filecmp.cmp(path, os.path.join(tmp, name), shallow=False):
                    stale.append(name)
            extra = sorted(set(os.listdir(GEN_DIR)) - set(files)) if os.path.isdir(GEN_DIR) else []
            stale += [f"{e} (not generated)" for e in extra]
        if stale:
            print(f"gen.py: isa/generated is stale ({', '.join(stale)}): run /usr/bin/python3 isa/gen.py",
                  file=sys.stderr)
            return 1
        print(f"gen.py: isa/generated is up to date ({len(files)} files)")
        return 0
    out_dir = GEN_DIR
    if "--out" in argv:
        out_dir = argv[argv.index("--out") + 1]
    write_files(files, out_dir)
    return 0


def write_files(files, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, content in files.items():
        path = os.path.join(out_dir, name)
        fd, tmp = tempfile.mkstemp(dir=out_dir)
        with os.fdopen(fd, "w") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
