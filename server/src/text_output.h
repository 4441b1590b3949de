#pragma once
// Generated tokens to the text a client receives: complete UTF-8 only (engine/tokenizer/utf8.h), and ended
// before the first stop sequence, which is never sent. Text that may be the start of a stop sequence is held
// back until the next tokens show whether it is, so a streaming client sees exactly the non-streamed text.
#include "engine/tokenizer/tokenizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smol::serve {

class text_output {
public:
    text_output(const tokenizer& tok, std::vector<std::string> stop) : tok_(tok), stop_(std::move(stop)) {}

    // The text this token makes safe to send (often empty). After a stop sequence completes, stopped() is
    // true and further tokens add nothing.
    std::string push(int32_t token);
    // At the end of generation: the text held back (an unfinished UTF-8 sequence becomes U+FFFD).
    std::string finish();
    bool stopped() const { return stopped_; }

private:
    std::string release();

    const tokenizer& tok_;
    std::vector<std::string> stop_;
    utf8_stream utf8_;
    std::string held_;  // complete UTF-8 not yet sent: it may begin a stop sequence
    bool stopped_ = false;
};

}  // namespace smol::serve
