#include "verify/src/backend_layer.h"

#include "firmware/src/firmware_backend.h"

#include <chrono>

namespace smol::verify {

layer_result run_backend_layer(inference_backend& backend, std::span<const int32_t> prompt, int32_t n,
                               bool one_call_prefill, const progress_fn& progress) {
    const auto start = std::chrono::steady_clock::now();
    layer_result r;
    r.vocab = size_t(backend.config().vocab_size);
    const size_t total = prompt.size() + size_t(n > 0 ? n - 1 : 0);
    r.logits.resize(total * r.vocab);
    auto* firmware = dynamic_cast<firmware::firmware_backend*>(&backend);
    size_t done = 0;
    auto eval = [&](std::span<const int32_t> tokens) {
        backend.eval(tokens, int32_t(done), std::span(r.logits).subspan(done * r.vocab, tokens.size() * r.vocab), true);
        done += tokens.size();
        if (firmware && tokens.size() == 1) r.instructions.push_back(firmware->last_run().retired);
        if (progress) progress(done, total);
    };
    if (one_call_prefill) {
        eval(prompt);
    } else {
        for (size_t i = 0; i < prompt.size(); ++i) eval(prompt.subspan(i, 1));
    }
    for (int32_t k = 0; k < n; ++k) {
        const int32_t next = top_ids(r.row(done - 1), r.vocab, 1)[0];
        r.stream.push_back(next);
        if (k + 1 < n) eval(std::span(&next, 1));
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace smol::verify
