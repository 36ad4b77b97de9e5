import Database

// MARK: - Deliveries and their grades

extension SchoolNetworkSimulation {
    mutating func insertDelivery(
        of activity: Activity, by student: Student, engagement: Double, leftOn exitDate: CivilDate?,
        lastDay: CivilDate, shift: String, tally: inout YearTally, inserts: Inserts
    ) throws {
        var status = "nao_entregue"
        var deliveredOn: CivilDate?
        let gone = exitDate.map { activity.due > $0 } ?? false
        if !gone {
            if activity.kind == "prova" {
                if random.chance(logistic(2.3 + 1.0 * engagement)) {
                    status = "no_prazo"
                    deliveredOn = activity.due
                }
            } else if random.chance(logistic(0.9 + 1.3 * engagement)) {
                status = "no_prazo"
                let window = activity.due.dayNumber - activity.published.dayNumber
                deliveredOn = activity.published.adding(days: random.int(0...max(0, window)))
            } else if random.chance(logistic(-0.2 + 0.6 * engagement)) {
                let late = activity.due.adding(days: random.int(1...10))
                // Work due after the year's last day (or the student's) never arrives.
                if late <= lastDay, exitDate.map({ late <= $0 }) ?? true {
                    status = "atrasada"
                    deliveredOn = late
                }
            }
        }
        var grade: Double?
        if deliveredOn != nil {
            let mean = 6.3 + 1.1 * student.ability + 0.45 * engagement - (status == "atrasada" ? 0.7 : 0)
            grade = rounded(clamp(random.normal(mean: mean, sd: 1.2), 0, 10), 1)
        }
        switch status {
        case "no_prazo": tally.onTime += 1
        case "atrasada": tally.late += 1
        default: tally.missing += 1
        }
        tally.gradeSums[activity.subject] += grade ?? 0
        tally.gradeCounts[activity.subject] += 1

        let timestamp: DatabaseValue = deliveredOn.map { day in
            let hour = activity.kind == "prova" ? (shift == "manhã" ? random.int(8...11) : random.int(13...16)) : random.int(7...22)
            return .text(day.iso(hour: hour, minute: random.int(0...59), second: random.int(0...59)))
        } ?? .null
        try inserts.entrega.run([
            .integer(Identifiers.next(&ids.entrega)), .integer(activity.id), .integer(Int64(student.id)),
            timestamp, grade.map { .real($0) } ?? .null, .text(status),
        ])
    }
}
