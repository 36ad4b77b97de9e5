/// k-means with k-means++ seeding and restarts, on flat row-major points.
public enum KMeans {
    public struct Result: Sendable, Equatable {
        /// k × d, row-major.
        public var centroids: [Double]
        public var labels: [Int]
        /// Sum of squared distances of the points to their centroids.
        public var inertia: Double
    }

    /// The best of `restarts` runs (lowest inertia), each seeded by k-means++ from `seed`.
    public static func fit(_ points: [Double], dimension: Int, k: Int, restarts: Int = 10, seed: UInt64 = 42,
                           maxIterations: Int = 100) -> Result {
        var generator = SeededGenerator(seed: seed)
        var best: Result?
        for _ in 0..<max(1, restarts) {
            let run = lloyd(points, dimension: dimension, centroids: seedPlusPlus(points, dimension: dimension, k: k, &generator),
                            maxIterations: maxIterations)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        return best!
    }

    /// k-means++: each next centre drawn with probability proportional to the squared distance
    /// to the nearest centre already chosen.
    static func seedPlusPlus(_ points: [Double], dimension d: Int, k: Int, _ generator: inout SeededGenerator) -> [Double] {
        let n = points.count / d
        let first = Int(generator.next() % UInt64(n))
        var centroids = Array(points[(first * d)..<(first * d + d)])
        var nearest = (0..<n).map { squaredDistance(points, $0, centroids, 0, d) }
        while centroids.count < k * d {
            let total = nearest.reduce(0, +)
            var target = generator.unit() * total
            var chosen = n - 1
            for index in 0..<n {
                target -= nearest[index]
                if target <= 0 { chosen = index; break }
            }
            let centre = centroids.count / d
            centroids += points[(chosen * d)..<(chosen * d + d)]
            for index in 0..<n { nearest[index] = min(nearest[index], squaredDistance(points, index, centroids, centre, d)) }
        }
        return centroids
    }

    static func lloyd(_ points: [Double], dimension d: Int, centroids start: [Double], maxIterations: Int) -> Result {
        let n = points.count / d
        let k = start.count / d
        var centroids = start
        var labels = [Int](repeating: -1, count: n)
        var inertia = 0.0
        for _ in 0..<maxIterations {
            var changed = false
            inertia = 0
            for index in 0..<n {
                var bestCluster = 0
                var bestDistance = Double.infinity
                for cluster in 0..<k {
                    let distance = squaredDistance(points, index, centroids, cluster, d)
                    if distance < bestDistance { bestDistance = distance; bestCluster = cluster }
                }
                if labels[index] != bestCluster { labels[index] = bestCluster; changed = true }
                inertia += bestDistance
            }
            if !changed { break }
            var sums = [Double](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            for index in 0..<n {
                counts[labels[index]] += 1
                for column in 0..<d { sums[labels[index] * d + column] += points[index * d + column] }
            }
            for cluster in 0..<k where counts[cluster] > 0 {
                for column in 0..<d { centroids[cluster * d + column] = sums[cluster * d + column] / Double(counts[cluster]) }
            }
        }
        return Result(centroids: centroids, labels: labels, inertia: inertia)
    }

    /// Mean silhouette over a seeded sample of at most `sample` points (exact when n ≤ sample):
    /// the full measure is quadratic in n.
    public static func silhouette(_ points: [Double], dimension d: Int, labels: [Int], k: Int, sample: Int = 2_000, seed: UInt64 = 7) -> Double {
        let n = labels.count
        var indices = Array(0..<n)
        if n > sample {
            var generator = SeededGenerator(seed: seed)
            indices.shuffle(using: &generator)
            indices = Array(indices.prefix(sample))
        }
        var total = 0.0
        for i in indices {
            var sums = [Double](repeating: 0, count: k)
            var counts = [Int](repeating: 0, count: k)
            for j in indices where j != i {
                sums[labels[j]] += squaredDistance(points, i, points, j, d).squareRoot()
                counts[labels[j]] += 1
            }
            let own = labels[i]
            guard counts[own] > 0 else { continue }
            let a = sums[own] / Double(counts[own])
            let b = (0..<k).filter { $0 != own && counts[$0] > 0 }.map { sums[$0] / Double(counts[$0]) }.min() ?? 0
            total += max(a, b) > 0 ? (b - a) / max(a, b) : 0
        }
        return total / Double(indices.count)
    }

    @inline(__always)
    static func squaredDistance(_ a: [Double], _ row: Int, _ b: [Double], _ other: Int, _ d: Int) -> Double {
        var sum = 0.0
        for column in 0..<d {
            let difference = a[row * d + column] - b[other * d + column]
            sum += difference * difference
        }
        return sum
    }
}
