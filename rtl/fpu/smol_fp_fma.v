// a * b + c with one rounding (IEEE-754 binary32, round to nearest even, subnormals kept, canonical NaN).
// One path for every exponent difference, no vector wider than 64 bits: the exact product sits in a
// 64-bit window at a fixed place (or, when the addend is far above it, 16 places lower), the addend is
// shifted into place beside it (bits that fall below the window become one sticky bit), one adder or
// subtractor, a leading-one normalisation and a single rounding in smol_fp_round. The product goes
// straight from the multiplier into the adder (through one 2-way choice made from the exponents alone);
// only the addend passes through the shifter, in parallel with the multiplier.
//
// Window layout, bit 0 at the right, d = (addend LSB weight) - (product LSB weight):
//   d <= 36 ("near"): the product at [50:3]; the addend's LSB at 3 + d (bits below the window: sticky)
//   d >  36 ("high"): the product's bits 47:14 at [34:1], the rest ORed into bit 0; the addend's LSB at
//                     3 + d - 16, clamped at 39 for d > 52 (the product, then at least four places under
//                     the addend's LSB, affects only the round and sticky positions, exactly as it would
//                     further down)
//   [63]              the carry of an addition
// Bits are lost only far from the result's leading one: the addend's when d < -3 (the product at least
// 2^26 times larger), the product's in the high case (the addend at least 2^11 times larger), so an
// exact cancellation never meets a sticky bit and the rounding position stays 20 bits or more above it.
module smol_fp_fma #(
  // a_i's significand bits below the top 24 - LOW_ZERO are taken as zero: the Q8 lane's multiplicands
  // (an int8 weight or a block's scale times a code, at most 18 significant bits) never set them, and
  // synthesis then drops their rows of the multiplier.
  parameter LOW_ZERO = 0
) (
  input  [31:0] a_i,
  input  [31:0] b_i,
  input  [31:0] c_i,
  output [31:0] y_o
);
  wire              sa, sb, sc, za, zb, zc, ia, ib, ic, na, nb, nc;
  wire signed [9:0] ea, eb, ec;
  wire [23:0]       ma, mb, mc;
  smol_fp_unpack u_a (.x_i(a_i), .sign_o(sa), .exp_o(ea), .mant_o(ma), .zero_o(za), .inf_o(ia), .nan_o(na));
  smol_fp_unpack u_b (.x_i(b_i), .sign_o(sb), .exp_o(eb), .mant_o(mb), .zero_o(zb), .inf_o(ib), .nan_o(nb));
  smol_fp_unpack u_c (.x_i(c_i), .sign_o(sc), .exp_o(ec), .mant_o(mc), .zero_o(zc), .inf_o(ic), .nan_o(nc));
  localparam [23:0] MA_MASK = ~((24'd1 << LOW_ZERO) - 24'd1);
  wire [23:0] ma_used = ma & MA_MASK;

  // The datapath between the unpacked operands and the rounding is one combinational block whose steps
  // work on its own variables and whose outputs are written once. Synthesis and the cycle-based
  // simulator see the same logic; an event-driven simulator (Icarus) evaluates it once per operand
  // change instead of once per intermediate net, and computes only the taken side of each choice.
  wire sp = sa ^ sb;
  reg  signed [11:0] rexp;
  reg  [63:0]        norm;
  reg                sum_neg;
  reg                mag_zero;
  always @* begin : datapath
    reg [47:0]        prod;
    reg signed [11:0] ep, ec12, d, wbase;
    reg               high, clamped;
    reg [5:0]         sh, lsh;
    reg [63:0]        p_win, a_top, a_win;
    reg [63:0]        sum, mag;
    prod = ma_used * mb;
    // Weights of the least significant bits: product 2^ep, addend 2^(ec-150).
    ep   = {{2{ea[9]}}, ea} + {{2{eb[9]}}, eb} - 12'sd300;
    ec12 = {{2{ec[9]}}, ec};
    d    = ec12 - 12'sd150 - ep;
    high    = !zc && (d > 12'sd36);
    clamped = d > 12'sd52;  // high only: the addend at the top of the window
    p_win = high ? {29'd0, prod[47:14], |prod[13:0]} : {13'd0, prod, 3'd0};
    // The addend starts at the top of the window and is shifted right to its place: LSB at 3 + d, or
    // 3 + d - 16 in the high case; a shift of 63 leaves only its sticky bit.
    if (high)                sh = clamped ? 6'd1 : 6'd53 - d[5:0];
    else if (d < -12'sd26)   sh = 6'd63;
    else                     sh = 6'd37 - d[5:0];
    a_top = {mc, 40'd0};
    // The sticky bit joins the addend's LSB: 20 bits or more below the rounding position whenever it is
    // set, a nonzero remainder below the window and a one in bit 0 round alike, in a sum and in a
    // difference.
    a_win = (a_top >> sh) | {63'd0, |(a_top & ~({64{1'b1}} << sh))};
    // Weight of window bit 3: the product's LSB, 16 places up in the high case, and anchored on the
    // addend where it is clamped.
    wbase = !high ? ep : clamped ? ec12 - 12'sd186 : ep + 12'sd16;
    // Both operands are below 2^63 (the product below 2^51), so 64 bits hold the sum and the signed
    // difference.
    if (sp ^ sc) sum = p_win - a_win;
    else         sum = p_win + a_win;
    sum_neg = (sp ^ sc) && sum[63];
    mag = sum_neg ? (~sum + 64'd1) : sum;
    // Leading-zero count and normalising shift in one: shift by 32, 16, ..., 1 wherever the top bits
    // are still zero (a log-depth structure).
    norm = mag;
    lsh = 6'd0;
    if (norm[63:32] == 32'd0) begin norm = norm << 32; lsh[5] = 1'b1; end
    if (norm[63:48] == 16'd0) begin norm = norm << 16; lsh[4] = 1'b1; end
    if (norm[63:56] == 8'd0)  begin norm = norm << 8;  lsh[3] = 1'b1; end
    if (norm[63:60] == 4'd0)  begin norm = norm << 4;  lsh[2] = 1'b1; end
    if (norm[63:62] == 2'd0)  begin norm = norm << 2;  lsh[1] = 1'b1; end
    if (!norm[63])            begin norm = norm << 1;  lsh[0] = 1'b1; end
    rexp = wbase + 12'sd187 - $signed({6'd0, lsh});  // window bit 63 lies 60 places above bit 3
    mag_zero = (mag == 64'd0);
  end
  wire [31:0]        rounded;
  // Only the top 27 bits can be kept or be the round bit (a tiny result only shifts further right), so
  // the rest enters the rounding as one sticky bit.
  smol_fp_round #(.W(27)) u_round (.sign_i(sp ^ sum_neg), .exp_i(rexp), .mant_i(norm[63:37]),
                                   .sticky_i(|norm[36:0]), .y_o(rounded));

  wire prod_nan  = (ia | ib) & (za | zb);
  wire prod_inf  = ia | ib;
  wire prod_zero = za | zb;
  wire any_nan   = na | nb | nc | prod_nan | (prod_inf & ic & (sp ^ sc));

  assign y_o = any_nan   ? 32'h7fc00000 :
               prod_inf  ? {sp, 8'hff, 23'd0} :
               ic        ? c_i :
               prod_zero ? (zc ? {sp & sc, 31'd0} : c_i) :
               mag_zero ? 32'd0 :  // exact cancellation gives +0 in round to nearest
               rounded;
endmodule
