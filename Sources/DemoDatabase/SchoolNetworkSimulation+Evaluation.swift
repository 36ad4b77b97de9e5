import Database

// MARK: - Yearly evaluation

extension SchoolNetworkSimulation {
    /// The yearly indicators (INDE and its parts) from what the student did; returns IDA.
    mutating func insertEvaluation(
        student: Student, year: Int, defasagem: Int, meanBond: Double, tally: YearTally, inserts: Inserts
    ) throws -> Double {
        func indicator(_ mean: Double, _ sd: Double) -> Double {
            rounded(clamp(random.normal(mean: mean, sd: sd), 0, 10), 1)
        }
        func subjectGrade(_ subject: Int) -> Double? {
            guard tally.gradeCounts[subject] > 0 else { return nil }
            let coursework = tally.gradeSums[subject] / Double(tally.gradeCounts[subject])
            let exam = random.normal(mean: 6.3 + 1.1 * student.ability + 0.3 * meanBond, sd: 1.0)
            return rounded(clamp(0.5 * coursework + 0.5 * exam, 0, 10), 1)
        }
        let delivered = Double(tally.onTime + tally.late + tally.missing)
        let onTimeRate = delivered > 0 ? Double(tally.onTime) / delivered : 0
        let lateRate = delivered > 0 ? Double(tally.late) / delivered : 0
        let perMonth = Double(tally.interactions) / Double(max(1, tally.months))
        let ieg = rounded(clamp(10 * (0.75 * onTimeRate + 0.35 * lateRate) + 2 * min(1, perMonth / 7) - 0.5
            + random.normal(sd: 0.3), 0, 10), 1)

        let portugues = subjectGrade(0)
        let matematica = subjectGrade(1)
        let ingles = student.phase >= 3 ? subjectGrade(2) : nil
        let grades = [portugues, matematica, ingles].compactMap { $0 }
        let ida = rounded(grades.isEmpty ? 0 : grades.reduce(0, +) / Double(grades.count), 1)
        let iaa = indicator(8.0 + 0.3 * meanBond, 1.0)
        let ips = indicator(6.8 + 0.6 * meanBond, 0.9)
        let ipp = indicator(6.9 + 0.5 * student.ability + 0.3 * meanBond, 0.8)
        let ipv = indicator(6.5 + 0.5 * student.ability + 0.6 * meanBond, 0.9)
        let ian = defasagem >= 0 ? 10.0 : (defasagem == -1 ? 5.0 : 2.5)
        // INDE weights of the PEDE methodology; the last phase weighs learning more.
        let inde = student.phase == 8
            ? 0.1 * ian + 0.4 * ida + 0.2 * ieg + 0.1 * iaa + 0.2 * ips
            : 0.1 * ian + 0.2 * ida + 0.2 * ieg + 0.1 * iaa + 0.1 * ips + 0.1 * ipp + 0.2 * ipv
        let pedra = inde < 5.506 ? "Quartzo" : inde < 6.868 ? "Ágata" : inde < 8.230 ? "Ametista" : "Topázio"
        try inserts.avaliacao.run([
            .integer(Int64(student.id)), .integer(Int64(year)), .real(rounded(inde, 3)), .real(iaa), .real(ieg),
            .real(ips), .real(ida), .real(ipp), .real(ipv), .real(ian), .text(pedra), .integer(Int64(defasagem)),
            portugues.map { .real($0) } ?? .null, matematica.map { .real($0) } ?? .null, ingles.map { .real($0) } ?? .null,
        ])
        return ida
    }
}
