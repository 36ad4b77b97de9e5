import Database

// MARK: - One school year

extension SchoolNetworkSimulation {
    mutating func simulate(year: Int, inserts: Inserts) throws {
        let isCurrentYear = year == Self.years.last
        let calendar = SchoolCalendar(year: year, endingBy: isCurrentYear ? Self.snapshot : nil)
        var classrooms = try formClasses(year: year, inserts: inserts)
        for index in classrooms.indices {
            classrooms[index].activities = try scheduleActivities(for: classrooms[index], calendar: calendar, inserts: inserts)
        }
        for classroom in classrooms {
            for member in classroom.members {
                try simulate(student: member, in: classroom, calendar: calendar, isCurrentYear: isCurrentYear, inserts: inserts)
            }
        }
    }

    mutating func simulate(student index: Int, in classroom: Classroom, calendar: SchoolCalendar, isCurrentYear: Bool, inserts: Inserts) throws {
        let year = calendar.year
        var student = students[index]
        let defasagem = student.phase - (year - student.birthYear - 7)
        let bondAtStart = student.bond

        // This year's drift continues last year's: the momentum that makes T−1 predictive.
        student.drift = 0.6 * student.drift + random.normal(sd: 0.35)
        let dropoutLogit = -3.0 - 1.25 * bondAtStart - 1.8 * student.drift
            + (defasagem <= -2 ? 0.35 : 0) + (student.heldBack ? 0.25 : 0)
        let monthCount = calendar.months.count
        var exitMonth: Int?
        var situation = isCurrentYear ? "ativa" : "concluida"
        if random.chance(logistic(dropoutLogit)) {
            situation = "evadida"
            exitMonth = random.int(1...(monthCount - 1))
        } else if random.chance(0.02) {
            situation = "transferida"
            exitMonth = random.int(1...(monthCount - 1))
        }
        let exitDate = exitMonth.map { random.pick(calendar.daysByMonth[$0]) }

        var tally = YearTally()
        var monthlyBond: [Double] = []
        for (monthIndex, days) in calendar.daysByMonth.enumerated() {
            if let exitMonth, monthIndex > exitMonth { break }
            let progress = (Double(monthIndex) + 0.5) / Double(monthCount)
            var engagement = bondAtStart + student.drift * progress + random.normal(sd: 0.3)
            if situation == "evadida", let exitMonth {
                // The last months before leaving show it: engagement collapses.
                engagement -= 1.3 * max(0, 1 - Double(exitMonth - monthIndex) / 3)
            }
            monthlyBond.append(engagement)
            let attended = days.filter { day in exitDate.map { day <= $0 } ?? true }
            guard !attended.isEmpty else { continue }
            let month = calendar.months[monthIndex]
            let presences = random.binomial(attended.count, logistic(2.3 + 1.0 * engagement))
            try inserts.frequencia.run([
                .integer(Int64(student.id)), .text(CivilDate(year, month, 1).isoMonth),
                .integer(Int64(attended.count)), .integer(Int64(presences)),
            ])
            tally.lessons += attended.count
            tally.presences += presences
            tally.months += 1
            tally.interactions += try insertInteractions(
                student: student.id, classroom: classroom.id, year: year, month: month,
                firstDay: calendar.firstDay, lastDay: min(exitDate ?? calendar.lastDay, calendar.lastDay),
                engagement: engagement, share: Double(attended.count) / Double(days.count), inserts: inserts
            )
        }

        for activity in classroom.activities {
            if let exitDate, activity.published > exitDate { continue }
            let engagement = calendar.monthIndex(of: activity.due).flatMap { $0 < monthlyBond.count ? monthlyBond[$0] : nil }
                ?? monthlyBond.last ?? bondAtStart
            try insertDelivery(
                of: activity, by: student, engagement: engagement, leftOn: exitDate,
                lastDay: calendar.lastDay, shift: classroom.shift, tally: &tally, inserts: inserts
            )
        }

        let matricula = Identifiers.next(&ids.matricula)
        let leftOn: String? = exitDate?.iso ?? (isCurrentYear ? nil : calendar.lastDay.iso)
        try inserts.matricula.run([
            .integer(matricula), .integer(Int64(student.id)), .integer(classroom.id), .integer(Int64(year)),
            .text(situation), .text(student.enrolmentDate.iso), leftOn.map { .text($0) } ?? .null,
        ])

        // The yearly evaluation happens in October: students who left before it have none.
        let evaluationDay = CivilDate(year, 10, 1)
        let meanBond = monthlyBond.isEmpty ? bondAtStart : monthlyBond.reduce(0, +) / Double(monthlyBond.count)
        var academicIndex: Double?
        if exitDate.map({ $0 >= evaluationDay }) ?? true, tally.months > 0 {
            academicIndex = try insertEvaluation(
                student: student, year: year, defasagem: defasagem, meanBond: meanBond, tally: tally, inserts: inserts)
        }

        student.bond = bondAtStart + student.drift
        if exitDate != nil {
            student.enrolled = false
            student.lastYear = year
        } else if !isCurrentYear {
            // Held back when grades or attendance are too low (below 75% fails by absence).
            let attendance = Double(tally.presences) / Double(max(1, tally.lessons))
            let ida = academicIndex ?? 5
            let heldBack = random.chance(logistic(-3.0 - 1.2 * (ida - 5.5) + (attendance < 0.75 ? 2.0 : 0)))
            student.heldBack = heldBack
            if !heldBack { student.phase += 1 }
            student.enrolmentDate = CivilDate(year, 12, random.int(1...20))
            if student.phase > 8 {
                student.enrolled = false  // completed the last phase
                student.lastYear = year
            }
        }
        students[index] = student
    }
}
