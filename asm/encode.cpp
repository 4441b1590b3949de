#include "asm/encode.h"

#include "asm/operands.h"

#include <fmt/format.h>

namespace smol::assembler {
namespace {

const char* register_file_name(field_kind k) {
    switch (k) {
        case field_kind::xreg: return "an integer register";
        case field_kind::freg: return "a floating-point register";
        case field_kind::vreg: return "a vector register";
        default: return "an immediate";
    }
}

class encoder {
public:
    encoder(const instruction_info& insn, const instruction_request& req, uint32_t pc, const symbol_lookup& lookup,
            source_loc line)
        : insn_(insn), req_(req), pc_(pc), lookup_(lookup), line_(line), values_(insn.fields.size(), 0) {}

    uint32_t run() {
        size_t want = insn_.operands.size(), got = req_.args.size();
        if (got != want) {
            std::string usage = insn_.syntax.empty() ? "no operands" : insn_.syntax;
            std::string message =
                fmt::format("wrong number of operands: {} takes {} ({}), got {}", insn_.mnemonic, want, usage, got);
            if (got > want) fail(req_.arg_cols[want], message, spell(req_.args[want]));
            fail(req_.mnemonic.col, message, req_.mnemonic.text);
        }
        for (size_t i = 0; i < want; ++i) operand_into(insn_.operands[i], parse_operand(req_.args[i], req_.arg_cols[i]));
        std::optional<uint32_t> word = isa_view::get().encode(insn_, values_);
        if (!word) fail(req_.mnemonic.col, "operands rejected by the instruction table", req_.mnemonic.text);
        return *word;
    }

private:
    [[noreturn]] void fail(int col, const std::string& message, const std::string& token) {
        throw_at({line_.file, line_.line, col}, message, token);
    }

    void operand_into(const operand_pattern& pattern, const operand& op) {
        if (pattern.is_memory()) {
            if (op.k != operand::kind::mem)
                fail(op.col, fmt::format("wrong operand kind: expected a memory operand offset({})",
                                         insn_.fields[pattern.base_field].name),
                     op.text);
            reg_into(insn_.fields[pattern.base_field], pattern.base_field, op);
            expr_into(insn_.fields[pattern.field], pattern.field, op);
            return;
        }
        const field_info& f = insn_.fields[pattern.field];
        if (f.is_register()) {
            if (op.k != operand::kind::reg)
                fail(op.col, fmt::format("wrong operand kind: expected {}", register_file_name(f.kind)), op.text);
            reg_into(f, pattern.field, op);
            return;
        }
        if (op.k != operand::kind::expr)
            fail(op.col,
                 fmt::format("wrong operand kind: expected {}", f.kind == field_kind::pcrel ? "a branch target" : "an immediate"),
                 op.text);
        expr_into(f, pattern.field, op);
    }

    void reg_into(const field_info& f, int index, const operand& op) {
        const char letter = f.regfile->letter;
        if (op.reg.file != letter)
            fail(op.reg_col, fmt::format("wrong operand kind: expected {}", register_file_name(f.kind)), op.reg_text);
        if (op.reg.index >= f.regfile->count)
            fail(op.reg_col, fmt::format("register out of range ({}0..{}{})", letter, letter, f.regfile->count - 1),
                 op.reg_text);
        values_[size_t(index)] = op.reg.index;
    }

    void expr_into(const field_info& f, int index, const operand& op) {
        int64_t v = 0;
        if (!op.expr.empty()) {
            expr_value e = eval_expr(op.expr, lookup_, line_, op.col);
            v = e.value;  // the final pass: every symbol is known or has already failed
        }
        std::string text = op.expr.empty() ? op.text : spell(op.expr);
        int col = op.expr.empty() ? op.col : op.expr.front().col;
        switch (f.kind) {
            case field_kind::pcrel: {
                int64_t offset = v - int64_t(pc_);
                if (offset % f.scale != 0)
                    fail(col, fmt::format("branch target 0x{:x} is not a multiple of {} bytes from pc 0x{:08x}", v,
                                          f.scale, pc_),
                         text);
                if (offset < f.min_value || offset > f.max_value)
                    fail(col, fmt::format("branch target out of range: offset {} bytes, {} reaches {}..{}", offset,
                                          insn_.mnemonic, f.min_value, f.max_value),
                         text);
                values_[size_t(index)] = offset;
                return;
            }
            case field_kind::enumerated: {
                for (size_t k = 0; k < f.values.size(); ++k)
                    if (f.values[k] == v) {
                        values_[size_t(index)] = v;
                        return;
                    }
                std::string allowed;
                for (int64_t a : f.values) allowed += (allowed.empty() ? "" : ", ") + std::to_string(a);
                fail(col, fmt::format("immediate does not fit: {} must be one of {}", f.name, allowed), text);
            }
            default:
                if (v < f.min_value || v > f.max_value)
                    fail(col, fmt::format("immediate does not fit: {} is outside {} range {}..{}", v, f.name,
                                          f.min_value, f.max_value),
                         text);
                values_[size_t(index)] = v;
        }
    }

    const instruction_info& insn_;
    const instruction_request& req_;
    uint32_t pc_;
    const symbol_lookup& lookup_;
    source_loc line_;
    std::vector<int64_t> values_;
};

}  // namespace

uint32_t encode_instruction(const instruction_info& insn, const instruction_request& req, uint32_t pc,
                            const symbol_lookup& lookup, source_loc line) {
    return encoder(insn, req, pc, lookup, line).run();
}

}  // namespace smol::assembler
