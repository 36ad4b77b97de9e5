import Database
import Foundation

// MARK: - Platform interactions

extension SchoolNetworkSimulation {
    /// Platform events of one student-month; returns how many were written.
    mutating func insertInteractions(
        student: Int, classroom: Int64, year: Int, month: Int, firstDay: CivilDate, lastDay: CivilDate,
        engagement: Double, share: Double, inserts: Inserts
    ) throws -> Int {
        let kinds: [(name: String, rate: Double)] = [
            ("acesso", 3.0), ("material", 1.2), ("curtida", 0.9), ("comentario", 0.6), ("resposta", 0.5), ("postagem", 0.25),
        ]
        let activity = exp(0.75 * engagement - 0.2) * share
        let monthEnd = CivilDate(year, month, CivilDate.daysIn(year: year, month: month))
        let lastDate = min(monthEnd, lastDay)
        guard lastDate.year == year, lastDate.month == month else { return 0 }
        // The platform opens with the school year.
        let firstDate = firstDay.month == month ? firstDay.day : 1
        guard firstDate <= lastDate.day else { return 0 }
        var written = 0
        for kind in kinds {
            for _ in 0..<random.poisson(kind.rate * activity) {
                let day = CivilDate(year, month, random.int(firstDate...lastDate.day))
                let hour = random.int(7...22)
                try inserts.interacao.run([
                    .integer(Identifiers.next(&ids.interacao)), .integer(Int64(student)), .integer(classroom),
                    .text(kind.name), .text(day.iso(hour: hour, minute: random.int(0...59), second: random.int(0...59))),
                ])
                written += 1
            }
        }
        return written
    }
}
