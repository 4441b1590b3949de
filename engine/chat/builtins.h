#pragma once
// The filters, tests, methods and global functions of our subset, each dispatching on the operand's type the
// way @huggingface/jinja does (a filter it would reject for that type is rejected here too). Anything the
// reference knows but we do not implement fails with "unsupported ..." rather than rendering differently.
#include "engine/chat/value.h"

#include <string>

namespace smol::chat_detail {

// `operand | name` (args == nullptr) or `operand | name(args)`.
value apply_filter(const value& operand, const std::string& name, const call_arguments* args);
// `operand is name`.
bool apply_test(const value& operand, const std::string& name);
// `receiver.name` for a name that is not a stored key: string/array/object methods and properties.
// Undefined when the reference has no such member either.
value member_builtin(const value& receiver, const std::string& name);
// true/false/none (both spellings), raise_exception, range, and placeholders for the globals we refuse.
object_entries global_variables();

}  // namespace smol::chat_detail
