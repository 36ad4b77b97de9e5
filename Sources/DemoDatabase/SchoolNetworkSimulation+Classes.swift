import Database

// MARK: - Classes and their activities

extension SchoolNetworkSimulation {
    mutating func formClasses(year: Int, inserts: Inserts) throws -> [Classroom] {
        var classrooms: [Classroom] = []
        let schools = Set(students.map(\.school)).sorted()
        for school in schools {
            for phase in 0...8 {
                let members = students.indices.filter { students[$0].enrolled && students[$0].school == school && students[$0].phase == phase }
                guard !members.isEmpty else { continue }
                let groups = (members.count + Self.classCapacity - 1) / Self.classCapacity
                for group in 0..<groups {
                    let id = Identifiers.next(&ids.turma)
                    let letter = String(UnicodeScalar(UInt8(ascii: "A") + UInt8(group)))
                    let shift = random.chance(0.6) ? "manhã" : "tarde"
                    // Students are dealt to classes in turn, as a secretary balances them.
                    let share = stride(from: group, to: members.count, by: groups).map { members[$0] }
                    try inserts.turma.run([
                        .integer(id), .integer(Int64(school + 1)), .text("\(phase)\(letter)"),
                        .integer(Int64(phase)), .integer(Int64(year)), .text(shift),
                    ])
                    classrooms.append(Classroom(id: id, phase: phase, shift: shift, members: share))
                }
            }
        }
        return classrooms
    }

    /// Monthly exercises in Portuguese, maths and a rotating subject; projects in May
    /// and October; exams in June and November.
    mutating func scheduleActivities(for classroom: Classroom, calendar: SchoolCalendar, inserts: Inserts) throws -> [Activity] {
        var rotating = [3, 4, 5]  // Ciências, História, Geografia
        if classroom.phase >= 3 { rotating.insert(2, at: 0) }  // Inglês from phase 3
        var activities: [Activity] = []
        for (monthIndex, days) in calendar.daysByMonth.enumerated() {
            let month = calendar.months[monthIndex]
            let early = Array(days.prefix(max(1, days.count / 2)))
            var planned: [(subject: Int, kind: String, published: CivilDate, due: CivilDate)] = []
            for subject in [0, 1, rotating[monthIndex % rotating.count]] {
                let published = random.pick(early)
                planned.append((subject, "exercicio", published, published.adding(days: 7)))
            }
            if month == 5 || month == 10 {
                let published = days[0]
                planned.append((rotating[(monthIndex + 1) % rotating.count], "projeto", published, published.adding(days: 21)))
            }
            if month == 6 || month == 11, days.count > 2 {
                for subject in [0, 1] {
                    let date = random.pick(Array(days.suffix(days.count / 2)))
                    planned.append((subject, "prova", date, date))
                }
            }
            for item in planned {
                let due = min(item.due, calendar.lastDay)
                guard item.published <= due else { continue }
                let id = Identifiers.next(&ids.atividade)
                let subjectName = NameLists.subjects[item.subject]
                let title: String
                switch item.kind {
                case "prova": title = "Prova de \(subjectName) — \(month <= 6 ? 1 : 2)º semestre"
                case "projeto": title = "Projeto: \(random.pick(NameLists.projects))"
                default: title = "Exercícios de \(subjectName): \(random.pick(NameLists.topics[subjectName] ?? ["Revisão"]))"
                }
                try inserts.atividade.run([
                    .integer(id), .integer(classroom.id), .integer(Int64(item.subject + 1)), .text(title),
                    .text(item.kind), .text(item.published.iso), .text(due.iso), .real(10),
                ])
                activities.append(Activity(id: id, subject: item.subject, kind: item.kind, published: item.published, due: due))
            }
        }
        return activities
    }
}
