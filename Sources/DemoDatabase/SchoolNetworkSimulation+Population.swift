import Database

// MARK: - Population

extension SchoolNetworkSimulation {
    /// Writes the students admitted since the last call (they are appended in id order).
    mutating func insertNewStudents(_ inserts: Inserts) throws {
        while studentsWritten < students.count {
            try insertStudent(students[studentsWritten], inserts)
            studentsWritten += 1
        }
    }

    mutating func insertStudent(_ student: Student, _ inserts: Inserts) throws {
        let female = random.chance(0.5)
        let first = random.pick(female ? NameLists.femaleFirstNames : NameLists.maleFirstNames)
        var last = random.pick(NameLists.surnames)
        if random.chance(0.7) {
            last = random.pick(NameLists.surnames) + " " + last
        }
        let counter = (raCounters[student.entryYear] ?? 0) + 1
        raCounters[student.entryYear] = counter
        let ra = "\(student.entryYear)" + String(repeating: "0", count: max(0, 4 - String(counter).count)) + String(counter)
        let birthday = CivilDate(student.birthYear, random.int(1...12), 1)
        let born = CivilDate(birthday.year, birthday.month, random.int(1...CivilDate.daysIn(year: birthday.year, month: birthday.month)))
        try inserts.aluno.run([
            .integer(Int64(student.id)), .text(ra), .text("\(first) \(last)"), .text(born.iso),
            .text(female ? "F" : "M"), .integer(Int64(student.entryYear)),
        ])
    }

    mutating func createInitialStudents(schools: Int) {
        let year = Self.years[0]
        // About 1,080 students in the first year, whatever the number of schools;
        // with three years of admissions that makes about 1,500 in all.
        let perPhase = Double(Self.firstYearStudents) / Double(9 * schools)
        for school in 0..<schools {
            let size = 0.8 + 0.4 * random.uniform()
            for phase in 0...8 {
                let count = max(10, Int((perPhase * size + random.normal(sd: 3)).rounded()))
                for _ in 0..<count {
                    let yearsBefore = random.int(0...min(phase, 5))
                    addStudent(school: school, phase: phase, year: year, entryYear: year - yearsBefore,
                               enrolmentDate: yearsBefore > 0 ? CivilDate(year - 1, 12, random.int(1...20)) : CivilDate(year, 1, random.int(5...31)))
                }
            }
        }
    }

    /// New students replace those who left: mostly in the first phases, a few later.
    mutating func admitNewStudents(year: Int, schools: Int) {
        for school in 0..<schools {
            let left = students.filter { $0.school == school && !$0.enrolled && $0.lastYear == year - 1 }.count
            let count = max(0, Int((Double(left) * (0.9 + 0.2 * random.uniform())).rounded()))
            for _ in 0..<count {
                let phase = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6][random.int(0...13)]
                addStudent(school: school, phase: phase, year: year, entryYear: year, enrolmentDate: CivilDate(year, 1, random.int(5...31)))
            }
        }
    }

    mutating func addStudent(school: Int, phase: Int, year: Int, entryYear: Int, enrolmentDate: CivilDate) {
        // Most students are in the phase for their age; some are one or more years behind.
        let lag = [0, 0, 0, 0, 0, 0, -1, -1, -1, -2, -2, -3][random.int(0...11) % (phase == 0 ? 6 : 12)]
        let age = phase - lag + 7
        students.append(Student(
            id: students.count + 1, school: school, birthYear: year - age, entryYear: entryYear,
            ability: random.normal(), phase: phase,
            bond: random.normal(mean: 0.3, sd: 0.9) + schoolEffects[school] + (lag <= -2 ? -0.3 : 0),
            drift: random.normal(sd: 0.35), enrolmentDate: enrolmentDate
        ))
    }
}
