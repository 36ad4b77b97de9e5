import Foundation
import TestSupport
import Testing

@testable import MiniLM

@Suite("What the kernels were compiled for, and whether this CPU runs them")
struct CPUFeaturesTests {
    /// /proc/cpuinfo's flags, read here on their own (not with CPUFeatures.processorFlags).
    static func cpuinfoFlags() -> Set<String>? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) == "flags" {
            return Set(line.split(separator: ":", maxSplits: 1)[1].split(whereSeparator: \.isWhitespace).map(String.init))
        }
        return nil
    }

    @Test("the description names the instruction set and a register's floats, and agrees with the kernels' vector type")
    func description() {
        let expected: [String: Int] = ["AVX-512": 16, "AVX2+FMA": 8, "SSE2": 4, "NEON": 4, "SIMD genérico": 4]
        #expect(expected[CPUFeatures.compiledName] == CPUFeatures.registerFloats, "\(CPUFeatures.compiledName)")
        #expect(CPUFeatures.compiledKernel == "\(CPUFeatures.compiledName) (\(CPUFeatures.registerFloats) floats)")
        // Kernels.swift picks Vector by the same defines: 16 floats only for AVX-512, one or two registers otherwise.
        #expect(Vector.scalarCount == max(8, CPUFeatures.registerFloats))
        #expect(Vector.scalarCount % CPUFeatures.registerFloats == 0)
        #if arch(x86_64)
            #expect(["AVX-512", "AVX2+FMA", "SSE2"].contains(CPUFeatures.compiledName))
        #endif
    }

    @Test("the flags asked for follow the instruction set: none for SSE2, Haswell's for AVX2, Skylake-X's for AVX-512")
    func requiredFlags() {
        let required = Set(CPUFeatures.requiredFlags)
        switch CPUFeatures.compiledName {
        case "AVX-512":
            #expect(required.isSuperset(of: ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]))
        case "AVX2+FMA":
            #expect(required.isSuperset(of: ["avx2", "fma"]))
            #expect(!required.contains { $0.hasPrefix("avx512") })
        default:
            #expect(required.isEmpty)
        }
    }

    @Test("this CPU has every flag the build needs, so the encoder opens here", .enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func thisCPU() throws {
        let flags = try #require(Self.cpuinfoFlags(), "no flags line in /proc/cpuinfo")
        let missing = CPUFeatures.requiredFlags.filter { !flags.contains($0) }
        #expect(missing.isEmpty, "built for \(CPUFeatures.compiledKernel), but this CPU lacks \(missing)")
        #expect(CPUFeatures.processorFlags() == flags)
        #expect(throws: Never.self) { try CPUFeatures.checkCompiledFeatures() }
        #if arch(x86_64)
            // Every x86-64 has SSE2; the flags were read, not an empty set.
            #expect(flags.contains("sse2"))
        #endif
    }

    @Test("a CPU without the flags is refused with their names; the first processor's flags are the ones read")
    func missingFlags() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("cpuinfo")
        try "processor\t: 0\nflags\t\t: fpu sse sse2\n\nprocessor\t: 1\nflags\t\t: fpu sse sse2 avx2\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(CPUFeatures.processorFlags(cpuinfo: file.path) == ["fpu", "sse", "sse2"])
        if CPUFeatures.requiredFlags.isEmpty {
            #expect(throws: Never.self) { try CPUFeatures.checkCompiledFeatures(cpuinfo: file.path) }
        } else {
            #expect(throws: EncoderError.unsupportedCPU(missing: CPUFeatures.requiredFlags)) {
                try CPUFeatures.checkCompiledFeatures(cpuinfo: file.path)
            }
        }
    }
}
