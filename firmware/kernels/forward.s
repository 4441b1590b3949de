# forward: one token through the whole model. Reads everything from the descriptor at DESC_ADDR: the
# geometry, the tensor addresses, and the mailbox (token, pos). Writes the K/V rows of `pos` into the
# cache, and the logits (vocab f32) to D_logits; halts with r10 = 0, or with a HALT_* code in r10 when
# the descriptor, token or position is invalid (the host checks these first; this is the last line).
# Keeps its state in r20..r30, which every kernel preserves.
        .global forward
forward:
        li      r20, DESC_ADDR
        lw      r3, D_magic(r20)
        li      r4, DESCRIPTOR_MAGIC
        li      r10, HALT_BAD_DESCRIPTOR
        bne     r3, r4, .halt
        lw      r21, D_token(r20)
        lw      r3, D_vocab(r20)
        li      r10, HALT_BAD_TOKEN
        bgeu    r21, r3, .halt
        lw      r22, D_pos(r20)
        lw      r3, D_context(r20)
        li      r10, HALT_BAD_POSITION
        bgeu    r22, r3, .halt
        lw      r27, D_hidden(r20)
        lw      r28, D_scale_stride(r20)
        lw      r3, D_kv_dim(r20)
        mul     r29, r22, r3
        slli    r29, r29, 2             # byte offset of this position's row in a layer's K/V cache
        lw      r3, D_head_dim(r20)
        srli    r3, r3, 1
        mul     r30, r22, r3
        slli    r30, r30, 2             # byte offset of this position's row in the RoPE tables

        lw      r10, D_x(r20)           # x = embedding row of the token
        lw      r11, D_embed(r20)
        lw      r12, D_embed_scales(r20)
        mv      r13, r21
        mv      r14, r27
        mv      r15, r28
        call    embed

        lw      r23, D_layers(r20)
        lw      r24, D_n_layers(r20)
        lw      r25, D_key_cache(r20)
        lw      r26, D_value_cache(r20)
.layer:
        lw      r10, D_xb(r20)          # xb = rmsnorm(x) * attn_norm
        lw      r11, D_x(r20)
        lw      r12, L_attn_norm(r23)
        mv      r13, r27
        lf      f10, D_eps(r20)
        call    rmsnorm

        lw      r10, D_q(r20)           # q = Wq xb
        lw      r11, D_xb(r20)
        lw      r12, L_wq(r23)
        lw      r13, L_wq_scales(r23)
        lw      r14, D_q_dim(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec
        add     r10, r25, r29           # k = Wk xb, straight into the cache row of this position
        lw      r11, D_xb(r20)
        lw      r12, L_wk(r23)
        lw      r13, L_wk_scales(r23)
        lw      r14, D_kv_dim(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec
        add     r10, r26, r29           # v = Wv xb, likewise
        lw      r11, D_xb(r20)
        lw      r12, L_wv(r23)
        lw      r13, L_wv_scales(r23)
        lw      r14, D_kv_dim(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec

        lw      r10, D_q(r20)           # RoPE on q and on the new k
        lw      r11, D_n_heads(r20)
        lw      r12, D_head_dim(r20)
        lw      r13, D_rope_cos(r20)
        add     r13, r13, r30
        lw      r14, D_rope_sin(r20)
        add     r14, r14, r30
        call    rope
        add     r10, r25, r29
        lw      r11, D_n_kv_heads(r20)
        lw      r12, D_head_dim(r20)
        lw      r13, D_rope_cos(r20)
        add     r13, r13, r30
        lw      r14, D_rope_sin(r20)
        add     r14, r14, r30
        call    rope

        lw      r10, D_q(r20)           # att = attention over positions 0..pos
        mv      r11, r25
        mv      r12, r26
        addi    r13, r22, 1
        lw      r14, D_att(r20)
        mv      r15, r20
        call    attention

        lw      r10, D_xb(r20)          # x += Wo att
        lw      r11, D_att(r20)
        lw      r12, L_wo(r23)
        lw      r13, L_wo_scales(r23)
        mv      r14, r27
        lw      r15, D_q_dim(r20)
        mv      r16, r28
        call    matvec
        lw      r10, D_x(r20)
        lw      r11, D_xb(r20)
        mv      r12, r27
        call    add_f32

        lw      r10, D_xb(r20)          # xb = rmsnorm(x) * ffn_norm
        lw      r11, D_x(r20)
        lw      r12, L_ffn_norm(r23)
        mv      r13, r27
        lf      f10, D_eps(r20)
        call    rmsnorm
        lw      r10, D_hb(r20)          # hb = silu(Wgate xb) * (Wup xb)
        lw      r11, D_xb(r20)
        lw      r12, L_w_gate(r23)
        lw      r13, L_w_gate_scales(r23)
        lw      r14, D_inter(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec
        lw      r10, D_hb2(r20)
        lw      r11, D_xb(r20)
        lw      r12, L_w_up(r23)
        lw      r13, L_w_up_scales(r23)
        lw      r14, D_inter(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec
        lw      r10, D_hb(r20)
        lw      r11, D_hb2(r20)
        lw      r12, D_inter(r20)
        call    silu_mul
        lw      r10, D_xb(r20)          # x += Wdown hb
        lw      r11, D_hb(r20)
        lw      r12, L_w_down(r23)
        lw      r13, L_w_down_scales(r23)
        mv      r14, r27
        lw      r15, D_inter(r20)
        mv      r16, r28
        call    matvec
        lw      r10, D_x(r20)
        lw      r11, D_xb(r20)
        mv      r12, r27
        call    add_f32

        addi    r23, r23, LAYER_BYTES   # next layer's record and cache
        lw      r3, D_kv_layer_bytes(r20)
        add     r25, r25, r3
        add     r26, r26, r3
        loop    r24, .layer

        lw      r10, D_xb(r20)          # logits = LM head (rmsnorm(x) * final_norm)
        lw      r11, D_x(r20)
        lw      r12, D_final_norm(r20)
        mv      r13, r27
        lf      f10, D_eps(r20)
        call    rmsnorm
        lw      r10, D_logits(r20)
        lw      r11, D_xb(r20)
        lw      r12, D_lm_head(r20)
        lw      r13, D_lm_head_scales(r20)
        lw      r14, D_vocab(r20)
        mv      r15, r27
        mv      r16, r28
        call    matvec
        li      r10, HALT_OK
.halt:
        halt
