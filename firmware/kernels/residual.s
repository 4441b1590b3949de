# Residual add and copy over f32 vectors of any length (setvl handles the tail).

# add_f32: x[i] += y[i] (the residual add)        r10 x (in place)   r11 y   r12 n
        .global add_f32
add_f32:
        beqz    r12, .done
.chunk:
        setvl   r7, r12
        lv      v0, 0(r10)
        lvinc   v1, r11
        vadd    v0, v0, v1
        svinc   v0, r10
        sub     r12, r12, r7
        bnez    r12, .chunk
.done:
        ret

# copy_f32: dst[i] = src[i]                       r10 dst   r11 src   r12 n
        .global copy_f32
copy_f32:
        beqz    r12, .done
.chunk:
        setvl   r7, r12
        lvinc   v0, r11
        svinc   v0, r10
        sub     r12, r12, r7
        bnez    r12, .chunk
.done:
        ret
