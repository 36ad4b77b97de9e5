import Database
import Foundation

/// Simulates three school years of a small network and inserts every row.
///
/// Each student carries a hidden "bond" with school (how engaged they are) and
/// a yearly drift of that bond with momentum: a student whose bond fell last
/// year tends to keep falling. Everything observable — attendance, platform
/// interactions, deliveries, grades, the yearly indicators — is a noisy
/// function of the bond, and dropping out in year T depends on the bond at the
/// end of T−1 and on this year's drift. So the students who disengage, miss
/// deadlines and attendance and whose INDE falls in T−1 are the ones who leave
/// in T: the structure the risk model has to find. Falling behind (being held
/// back) depends on the year's grades and attendance.
struct SchoolNetworkSimulation {
    static let years = [2022, 2023, 2024]
    /// The day the data was "exported": 2024 is the school year in progress.
    static let snapshot = CivilDate(2024, 11, 29)
    /// Students per class before a phase is split into A, B, …
    static let classCapacity = 25
    static let firstYearStudents = 1_080

    private var random: SeededRandom
    private var students: [Student] = []
    private var schoolEffects: [Double] = []
    private var raCounters: [Int: Int] = [:]
    private var ids = Identifiers()

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// Hidden state of one student between years.
    private struct Student {
        let id: Int
        let school: Int
        let birthYear: Int
        let entryYear: Int
        let ability: Double
        var phase: Int
        var bond: Double
        var drift: Double
        var heldBack = false
        var enrolled = true
        /// The last school year the student was enrolled in, once they have left.
        var lastYear = 0
        var enrolmentDate: CivilDate
    }

    /// Next id of each table with a surrogate key.
    private struct Identifiers {
        var turma = 0, matricula = 0, atividade = 0, entrega = 0, interacao = 0

        static func next(_ value: inout Int) -> Int64 {
            value += 1
            return Int64(value)
        }
    }

    private struct Activity {
        let id: Int64
        let subject: Int
        let kind: String
        let published: CivilDate
        let due: CivilDate
    }

    private struct Classroom {
        let id: Int64
        let phase: Int
        let shift: String
        let members: [Int]
        var activities: [Activity] = []
    }

    /// The prepared INSERT of each table, compiled once.
    private struct Inserts {
        let escola, turma, aluno, matricula, avaliacao, disciplina, atividade, entrega, interacao, frequencia: Statement

        init(_ db: Connection) throws {
            escola = try db.prepare("INSERT INTO escolas VALUES (?, ?, ?, ?)", persistent: true)
            turma = try db.prepare("INSERT INTO turmas VALUES (?, ?, ?, ?, ?, ?)", persistent: true)
            aluno = try db.prepare("INSERT INTO alunos VALUES (?, ?, ?, ?, ?, ?)", persistent: true)
            matricula = try db.prepare("INSERT INTO matriculas VALUES (?, ?, ?, ?, ?, ?, ?)", persistent: true)
            avaliacao = try db.prepare(
                "INSERT INTO avaliacoes_anuais VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", persistent: true)
            disciplina = try db.prepare("INSERT INTO disciplinas VALUES (?, ?)", persistent: true)
            atividade = try db.prepare("INSERT INTO atividades VALUES (?, ?, ?, ?, ?, ?, ?, ?)", persistent: true)
            entrega = try db.prepare("INSERT INTO entregas VALUES (?, ?, ?, ?, ?, ?)", persistent: true)
            interacao = try db.prepare("INSERT INTO interacoes VALUES (?, ?, ?, ?, ?)", persistent: true)
            frequencia = try db.prepare("INSERT INTO frequencia_mensal VALUES (?, ?, ?, ?)", persistent: true)
        }
    }

    /// What one student did in one year, summed for the yearly indicators.
    private struct YearTally {
        var lessons = 0, presences = 0, interactions = 0, months = 0
        var onTime = 0, late = 0, missing = 0
        /// Sum of grades (missing work counts as 0) and count, per subject.
        var gradeSums = [Double](repeating: 0, count: NameLists.subjects.count)
        var gradeCounts = [Int](repeating: 0, count: NameLists.subjects.count)
    }

    // MARK: - Running

    mutating func run(writingTo db: Connection) throws {
        let inserts = try Inserts(db)
        let schoolCount = 4 + random.int(0...2)
        for school in 0..<schoolCount {
            let (name, network) = NameLists.schools[school]
            try inserts.escola.run([.integer(Int64(school + 1)), .text(name), .text(NameLists.cities[school]), .text(network)])
            schoolEffects.append(random.normal(sd: 0.25))
        }
        for (index, subject) in NameLists.subjects.enumerated() {
            try inserts.disciplina.run([.integer(Int64(index + 1)), .text(subject)])
        }

        createInitialStudents(schools: schoolCount)
        for year in Self.years {
            if year > Self.years[0] {
                admitNewStudents(year: year, schools: schoolCount)
            }
            try insertNewStudents(inserts)
            try simulate(year: year, inserts: inserts)
        }
    }

    /// Writes the students admitted since the last call (they are appended in id order).
    private mutating func insertNewStudents(_ inserts: Inserts) throws {
        while studentsWritten < students.count {
            try insertStudent(students[studentsWritten], inserts)
            studentsWritten += 1
        }
    }

    private var studentsWritten = 0

    private mutating func insertStudent(_ student: Student, _ inserts: Inserts) throws {
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

    // MARK: - Population

    private mutating func createInitialStudents(schools: Int) {
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
    private mutating func admitNewStudents(year: Int, schools: Int) {
        for school in 0..<schools {
            let left = students.filter { $0.school == school && !$0.enrolled && $0.lastYear == year - 1 }.count
            let count = max(0, Int((Double(left) * (0.9 + 0.2 * random.uniform())).rounded()))
            for _ in 0..<count {
                let phase = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6][random.int(0...13)]
                addStudent(school: school, phase: phase, year: year, entryYear: year, enrolmentDate: CivilDate(year, 1, random.int(5...31)))
            }
        }
    }

    private mutating func addStudent(school: Int, phase: Int, year: Int, entryYear: Int, enrolmentDate: CivilDate) {
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

    // MARK: - One school year

    private mutating func simulate(year: Int, inserts: Inserts) throws {
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

    private mutating func formClasses(year: Int, inserts: Inserts) throws -> [Classroom] {
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
    private mutating func scheduleActivities(for classroom: Classroom, calendar: SchoolCalendar, inserts: Inserts) throws -> [Activity] {
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

    private mutating func simulate(student index: Int, in classroom: Classroom, calendar: SchoolCalendar, isCurrentYear: Bool, inserts: Inserts) throws {
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

    /// Platform events of one student-month; returns how many were written.
    private mutating func insertInteractions(
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

    private mutating func insertDelivery(
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

    /// The yearly indicators (INDE and its parts) from what the student did; returns IDA.
    private mutating func insertEvaluation(
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
