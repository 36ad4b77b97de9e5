import Dispatch
import Foundation

// The vector width follows the CPU the module is compiled for (see Package.swift):
// 16 floats with AVX-512, 8 with AVX2 (and with plain SSE, where LLVM splits it).
#if INDAGA_AVX512
    typealias Vector = SIMD16<Float>
#else
    typealias Vector = SIMD8<Float>
#endif

/// A linear layer `y = x · Wᵀ + b` with W packed for the matrix kernel.
///
/// PyTorch stores W as [out, in]; here it is cut into panels of `panelWidth`
/// output columns, each panel holding all `in` rows of those columns
/// contiguously ([in][panelWidth]), so the kernel streams one panel while it
/// reuses each input value across the panel's columns.
struct PackedLinear: Sendable {
    static let panelWidth = 2 * Vector.scalarCount
    /// Input values per cache block: a block of one panel (kBlock × panelWidth floats) stays in L1.
    static let kBlock = 384

    let inputs: Int
    let outputs: Int
    let panels: [Float]
    let bias: [Float]

    init(weight: [Float], bias: [Float], inputs: Int, outputs: Int) {
        precondition(weight.count == inputs * outputs && bias.count == outputs)
        precondition(outputs % Self.panelWidth == 0, "outputs must be a multiple of the panel width")
        let width = Self.panelWidth
        var packed = [Float](repeating: 0, count: weight.count)
        for panel in 0..<(outputs / width) {
            for k in 0..<inputs {
                for column in 0..<width {
                    packed[(panel * inputs + k) * width + column] = weight[(panel * width + column) * inputs + k]
                }
            }
        }
        self.inputs = inputs
        self.outputs = outputs
        self.panels = packed
        self.bias = bias
    }

    /// What happens to each output after the bias.
    enum Epilogue {
        case none
        /// Exact GELU, `0.5·x·(1 + erf(x/√2))`.
        case gelu
        /// Adds the same-shaped `residual` matrix (the transformer's skip connection).
        case residual(UnsafePointer<Float>)
    }

    /// `y[rows × outputs] = x[rows × inputs] · Wᵀ + b`, then the epilogue; the team splits the columns.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, epilogue: Epilogue, team: WorkerTeam) {
        let panelCount = outputs / Self.panelWidth
        let work = LinearWork(layer: self, x: x, y: y, rows: rows, epilogue: epilogue)
        team.run { worker, workers in
            work.run(panels: (panelCount * worker / workers)..<(panelCount * (worker + 1) / workers))
        }
    }
}

/// One call's pointers, shared read-only by the worker threads; each writes disjoint columns of y.
private struct LinearWork: @unchecked Sendable {
    let layer: PackedLinear
    let x: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let rows: Int
    let epilogue: PackedLinear.Epilogue

    func run(panels: Range<Int>) {
        let width = PackedLinear.panelWidth
        let inputs = layer.inputs
        let outputs = layer.outputs
        layer.panels.withUnsafeBufferPointer { packed in
            for panel in panels {
                let column = panel * width
                var kStart = 0
                while kStart < inputs {
                    let kCount = min(PackedLinear.kBlock, inputs - kStart)
                    let panelBlock = packed.baseAddress! + (panel * inputs + kStart) * width
                    var row = 0
                    while row < rows {
                        let tileRows = min(6, rows - row)
                        microKernel(
                            x: x + row * inputs + kStart, inputs: inputs, rows: tileRows,
                            panel: panelBlock, depth: kCount,
                            y: y + row * outputs + column, outputs: outputs, accumulate: kStart > 0
                        )
                        row += 6
                    }
                    kStart += kCount
                }
                finish(columns: column..<(column + width))
            }
        }
    }

    /// Bias and epilogue on a finished panel of columns, all rows.
    private func finish(columns: Range<Int>) {
        let outputs = layer.outputs
        layer.bias.withUnsafeBufferPointer { bias in
            for row in 0..<rows {
                let out = y + row * outputs
                var column = columns.lowerBound
                while column < columns.upperBound {
                    var value = Vector(loadingFrom: out + column) + Vector(loadingFrom: bias.baseAddress! + column)
                    switch epilogue {
                    case .none: break
                    case .gelu: value = gelu(value)
                    case .residual(let residual): value += Vector(loadingFrom: residual + row * outputs + column)
                    }
                    value.store(to: out + column)
                    column += Vector.scalarCount
                }
            }
        }
    }
}

/// A tile of up to 6 rows × one panel (two vectors) over `depth` inputs.
///
/// Twelve accumulators, two weight vectors and a broadcast fill the sixteen
/// AVX2 registers. Rows past `rows` read the last real row and are not stored,
/// so the tile shape stays fixed and the accumulators stay in registers.
@inline(__always)
private func microKernel(
    x: UnsafePointer<Float>, inputs: Int, rows: Int, panel: UnsafePointer<Float>, depth: Int,
    y: UnsafeMutablePointer<Float>, outputs: Int, accumulate: Bool
) {
    let width = PackedLinear.panelWidth
    let half = Vector.scalarCount
    let x0 = x
    let x1 = x + min(1, rows - 1) * inputs
    let x2 = x + min(2, rows - 1) * inputs
    let x3 = x + min(3, rows - 1) * inputs
    let x4 = x + min(4, rows - 1) * inputs
    let x5 = x + min(5, rows - 1) * inputs
    var a0 = Vector(), b0 = Vector(), a1 = Vector(), b1 = Vector(), a2 = Vector(), b2 = Vector()
    var a3 = Vector(), b3 = Vector(), a4 = Vector(), b4 = Vector(), a5 = Vector(), b5 = Vector()
    var w = panel
    for k in 0..<depth {
        let left = Vector(loadingFrom: w)
        let right = Vector(loadingFrom: w + half)
        var v = Vector(repeating: x0[k])
        a0.addProduct(v, left); b0.addProduct(v, right)
        v = Vector(repeating: x1[k])
        a1.addProduct(v, left); b1.addProduct(v, right)
        v = Vector(repeating: x2[k])
        a2.addProduct(v, left); b2.addProduct(v, right)
        v = Vector(repeating: x3[k])
        a3.addProduct(v, left); b3.addProduct(v, right)
        v = Vector(repeating: x4[k])
        a4.addProduct(v, left); b4.addProduct(v, right)
        v = Vector(repeating: x5[k])
        a5.addProduct(v, left); b5.addProduct(v, right)
        w += width
    }
    func store(_ a: Vector, _ b: Vector, row: Int) {
        let out = y + row * outputs
        if accumulate {
            (a + Vector(loadingFrom: out)).store(to: out)
            (b + Vector(loadingFrom: out + half)).store(to: out + half)
        } else {
            a.store(to: out)
            b.store(to: out + half)
        }
    }
    store(a0, b0, row: 0)
    if rows > 1 { store(a1, b1, row: 1) }
    if rows > 2 { store(a2, b2, row: 2) }
    if rows > 3 { store(a3, b3, row: 3) }
    if rows > 4 { store(a4, b4, row: 4) }
    if rows > 5 { store(a5, b5, row: 5) }
}

extension SIMD where Scalar == Float {
    @inline(__always)
    init(loadingFrom pointer: UnsafePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    @inline(__always)
    init(loadingFrom pointer: UnsafeMutablePointer<Float>) {
        self = UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    @inline(__always)
    func store(to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}

// MARK: - Element-wise pieces

/// erf by a rational approximation on [−4, 4] (error below 2 ulp of Float there; erf(±4) rounds to ±1).
///
/// glibc's `erff` is scalar and was most of the GELU time; this one is vectorised.
@inline(__always)
func erf<V: SIMD>(_ input: V) -> V where V.Scalar == Float {
    let x = input.clamped(lowerBound: V(repeating: -4), upperBound: V(repeating: 4))
    let x2 = x * x
    var p = V(repeating: -2.72614225801306e-10)
    p = p * x2 + 2.77068142495902e-08
    p = p * x2 - 2.10102402082508e-06
    p = p * x2 - 5.69250639462346e-05
    p = p * x2 - 7.34990630326855e-04
    p = p * x2 - 2.95459980854025e-03
    p = p * x2 - 1.60960333262415e-02
    p *= x
    var q = V(repeating: -1.45660718464996e-05)
    q = q * x2 - 2.13374055278905e-04
    q = q * x2 - 1.68282697438203e-03
    q = q * x2 - 7.37332916720468e-03
    q = q * x2 - 1.42647390514189e-02
    return p / q
}

@inline(__always)
func gelu<V: SIMD>(_ x: V) -> V where V.Scalar == Float {
    0.5 * x * (1 + erf(x * Float(0.5).squareRoot()))
}

/// LayerNorm over each row of `width` values, in place: γ ⊙ (x − μ)/√(σ² + ε) + β, biased variance.
func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, gamma: [Float], beta: [Float], epsilon: Float = 1e-12) {
    gamma.withUnsafeBufferPointer { gamma in
        beta.withUnsafeBufferPointer { beta in
            for row in 0..<rows {
                let values = x + row * width
                var sum = Vector()
                var column = 0
                while column < width {
                    sum += Vector(loadingFrom: values + column)
                    column += Vector.scalarCount
                }
                let mean = sum.sum() / Float(width)
                var squares = Vector()
                column = 0
                while column < width {
                    let centred = Vector(loadingFrom: values + column) - mean
                    squares.addProduct(centred, centred)
                    column += Vector.scalarCount
                }
                let scale = 1 / (squares.sum() / Float(width) + epsilon).squareRoot()
                column = 0
                while column < width {
                    let normalised = (Vector(loadingFrom: values + column) - mean) * scale
                    (normalised * Vector(loadingFrom: gamma.baseAddress! + column) + Vector(loadingFrom: beta.baseAddress! + column))
                        .store(to: values + column)
                    column += Vector.scalarCount
                }
            }
        }
    }
}

// MARK: - Attention

/// Where each sequence's tokens sit in the packed rows of a batch.
struct SequenceSpan: Sendable {
    let start: Int
    let length: Int
}

/// Scaled dot-product attention for every sequence and head, from packed Q|K|V rows.
///
/// `qkv` rows hold Q, K and V side by side ([tokens × 3·hidden]); `context` gets
/// [tokens × hidden]. Each sequence attends only to its own tokens — the same
/// result as padding the batch and masking the padding, without computing it.
func attention(
    qkv: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>, spans: [SequenceSpan],
    hidden: Int, heads: Int, team: WorkerTeam
) {
    let headSize = hidden / heads
    precondition(headSize % 8 == 0, "head size must be a multiple of 8")
    let work = AttentionWork(qkv: qkv, context: context, hidden: hidden, headSize: headSize, spans: spans, heads: heads)
    team.run { worker, workers in
        var scores = [Float](repeating: 0, count: work.longest)
        scores.withUnsafeMutableBufferPointer { scores in
            // Job j is head j % heads of sequence j / heads; workers take every workers-th job.
            var job = worker
            while job < spans.count * heads {
                work.run(span: spans[job / heads], head: job % heads, scores: scores.baseAddress!)
                job += workers
            }
        }
    }
}

private struct AttentionWork: @unchecked Sendable {
    let qkv: UnsafePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let hidden: Int
    let headSize: Int
    let spans: [SequenceSpan]
    let heads: Int

    var longest: Int { spans.map(\.length).max() ?? 0 }

    func run(span: SequenceSpan, head: Int, scores: UnsafeMutablePointer<Float>) {
        let stride = 3 * hidden
        let scale = 1 / Float(headSize).squareRoot()
        let queryOffset = head * headSize
        let keyOffset = hidden + head * headSize
        let valueOffset = 2 * hidden + head * headSize
        for i in 0..<span.length {
            let query = qkv + (span.start + i) * stride + queryOffset
            var maximum = -Float.greatestFiniteMagnitude
            for j in 0..<span.length {
                let key = qkv + (span.start + j) * stride + keyOffset
                var dot = SIMD8<Float>()
                var d = 0
                while d < headSize {
                    dot.addProduct(SIMD8(loadingFrom: query + d), SIMD8(loadingFrom: key + d))
                    d += 8
                }
                let score = dot.sum() * scale
                scores[j] = score
                maximum = max(maximum, score)
            }
            var total: Float = 0
            for j in 0..<span.length {
                let weight = Foundation.exp(scores[j] - maximum)
                scores[j] = weight
                total += weight
            }
            let out = context + (span.start + i) * hidden + head * headSize
            var d = 0
            while d < headSize {
                var sum = SIMD8<Float>()
                for j in 0..<span.length {
                    sum.addProduct(SIMD8(repeating: scores[j]), SIMD8(loadingFrom: qkv + (span.start + j) * stride + valueOffset + d))
                }
                (sum / total).store(to: out + d)
                d += 8
            }
        }
    }
}

// MARK: - Similarity search

/// Dot products of `query` with each row of a row-major matrix (cosine, for unit vectors).
///
/// Here rather than in Retrieval so it is compiled for the same vector unit as the encoder.
public func dotProducts(query: [Float], rows matrix: [Float], dimension: Int) -> [Float] {
    precondition(query.count == dimension && matrix.count % max(1, dimension) == 0)
    let count = matrix.count / max(1, dimension)
    var result = [Float](repeating: 0, count: count)
    result.withUnsafeMutableBufferPointer { out in
        matrix.withUnsafeBufferPointer { rows in
            query.withUnsafeBufferPointer { query in
                let q = query.baseAddress!
                for row in 0..<count {
                    let base = rows.baseAddress! + row * dimension
                    var sum = Vector()
                    var column = 0
                    while column + Vector.scalarCount <= dimension {
                        sum.addProduct(Vector(loadingFrom: base + column), Vector(loadingFrom: q + column))
                        column += Vector.scalarCount
                    }
                    var total = sum.sum()
                    while column < dimension {
                        total += base[column] * q[column]
                        column += 1
                    }
                    out[row] = total
                }
            }
        }
    }
    return result
}
