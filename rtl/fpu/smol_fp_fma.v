// a * b + c with one rounding (IEEE-754 binary32, round to nearest even, subnormals kept, canonical NaN).
// One path for every exponent difference: the exact 48-bit product sits in a 79-bit field, the addend is
// shifted into place beside it (bits that fall below the field become one sticky bit), one adder or
// subtractor, a leading-one normalisation and a single rounding in smol_fp_round.
//
// Field layout, bit 0 at the right:
//   [0]      sticky: the addend continues below the field (counts as a tiny nonzero amount)
//   [3:1]    guard bits below the product
//   [51:4]   the product (its leading one at bit 50 or 51)
//   [53:52]  gap: an addend further left than this is placed here, so the product stays under its LSB
//   [77:54]  the highest addend position; [78] the carry of an addition
module smol_fp_fma (
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

  // The datapath between the unpacked operands and the rounding is one combinational block whose steps
  // work on its own variables and whose outputs are written once. Synthesis and the cycle-based
  // simulator see the same logic; an event-driven simulator (Icarus) evaluates it once per operand
  // change instead of once per intermediate net, and computes only the taken side of each choice.
  wire sp = sa ^ sb;
  reg  signed [11:0] rexp;
  reg  [78:0]        norm;
  reg                sum_neg;
  reg                mag_zero;
  always @* begin : datapath
    reg [47:0]        prod;
    reg signed [11:0] ep, d, wbase;
    reg               addend_far;
    reg [6:0]         shift, lsh;
    reg [101:0]       addend_wide;
    reg [78:0]        addend_f, prod_f, mag;
    reg [79:0]        sum;
    prod = ma * mb;
    // Weights of the least significant bits: product 2^ep, addend 2^(ec-150); d = how far the addend's
    // LSB lies left of the product's.
    ep = {{2{ea[9]}}, ea} + {{2{eb[9]}}, eb} - 12'sd300;
    d  = {{2{ec[9]}}, ec} - 12'sd150 - ep;
    addend_far = !zc && (d > 12'sd50);
    shift = addend_far ? 7'd78 : (d < -12'sd28) ? 7'd0 : d[6:0] + 7'd28;
    addend_wide = {78'd0, mc} << shift;
    addend_f = {1'b0, addend_wide[101:25], |addend_wide[24:0]};
    prod_f   = {27'd0, prod, 4'd0};
    // Weight of field bit 4: the product's LSB, unless the addend was clamped to the far left, when the
    // field is anchored on the addend instead (the product then only feeds the bits below its LSB).
    wbase = addend_far ? ({{2{ec[9]}}, ec} - 12'sd200) : ep;
    if (sp ^ sc) sum = {1'b0, prod_f} - {1'b0, addend_f};
    else         sum = {1'b0, prod_f} + {1'b0, addend_f};
    sum_neg = (sp ^ sc) && sum[79];
    mag = sum_neg ? (~sum[78:0] + 79'd1) : sum[78:0];
    // Leading-zero count and normalising shift in one: shift by 64, 32, ..., 1 wherever the top bits
    // are still zero (a log-depth structure).
    norm = mag;
    lsh = 7'd0;
    if (norm[78:15] == 64'd0) begin norm = norm << 64; lsh[6] = 1'b1; end
    if (norm[78:47] == 32'd0) begin norm = norm << 32; lsh[5] = 1'b1; end
    if (norm[78:63] == 16'd0) begin norm = norm << 16; lsh[4] = 1'b1; end
    if (norm[78:71] == 8'd0)  begin norm = norm << 8;  lsh[3] = 1'b1; end
    if (norm[78:75] == 4'd0)  begin norm = norm << 4;  lsh[2] = 1'b1; end
    if (norm[78:77] == 2'd0)  begin norm = norm << 2;  lsh[1] = 1'b1; end
    if (!norm[78])            begin norm = norm << 1;  lsh[0] = 1'b1; end
    rexp = wbase + 12'sd201 - $signed({5'd0, lsh});
    mag_zero = (mag == 79'd0);
  end
  wire [31:0]        rounded;
  // Only the top 27 bits can be kept or be the round bit (a tiny result only shifts further right), so
  // the rest enters the rounding as one sticky bit.
  smol_fp_round #(.W(27)) u_round (.sign_i(sp ^ sum_neg), .exp_i(rexp), .mant_i(norm[78:52]),
                                   .sticky_i(|norm[51:0]), .y_o(rounded));

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
