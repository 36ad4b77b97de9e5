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

    // Internal rather than private: the SchoolNetworkSimulation+*.swift extensions share them.
    var random: SeededRandom
    var students: [Student] = []
    var schoolEffects: [Double] = []
    var raCounters: [Int: Int] = [:]
    var ids = Identifiers()
    var studentsWritten = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// Hidden state of one student between years.
    struct Student {
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
    struct Identifiers {
        var turma = 0, matricula = 0, atividade = 0, entrega = 0, interacao = 0

        static func next(_ value: inout Int) -> Int64 {
            value += 1
            return Int64(value)
        }
    }

    struct Activity {
        let id: Int64
        let subject: Int
        let kind: String
        let published: CivilDate
        let due: CivilDate
    }

    struct Classroom {
        let id: Int64
        let phase: Int
        let shift: String
        let members: [Int]
        var activities: [Activity] = []
    }

    /// The prepared INSERT of each table, compiled once.
    struct Inserts {
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
    struct YearTally {
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
}
