/// A calendar day with no time zone, for the school calendar and ISO-8601 text.
///
/// Foundation's Calendar depends on the machine's zone and is slow in a loop
/// of a million dates; the proleptic Gregorian arithmetic here is neither.
struct CivilDate: Comparable, Hashable {
    let year: Int
    let month: Int
    let day: Int

    init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    func adding(days: Int) -> CivilDate {
        CivilDate(dayNumber: dayNumber + days)
    }

    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int {
        let value = (dayNumber + 4) % 7
        return value < 0 ? value + 7 : value
    }

    var isWeekday: Bool { (1...5).contains(weekday) }

    static func daysIn(year: Int, month: Int) -> Int {
        let next = month == 12 ? CivilDate(year + 1, 1, 1) : CivilDate(year, month + 1, 1)
        return next.dayNumber - CivilDate(year, month, 1).dayNumber
    }

    static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// "2023-04-07"
    var iso: String {
        "\(year)-\(twoDigits(month))-\(twoDigits(day))"
    }

    /// "2023-04"
    var isoMonth: String {
        "\(year)-\(twoDigits(month))"
    }

    /// "2023-04-07 14:05:09", the form SQLite's date functions read.
    func iso(hour: Int, minute: Int, second: Int) -> String {
        "\(iso) \(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second))"
    }
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : String(value)
}
