/// The school days of one school year: February to mid-December, no July, no national holidays.
struct SchoolCalendar {
    let year: Int
    /// The months with classes, in order ("YYYY-MM" months of the year).
    let months: [Int]
    /// School days of each month in `months`, same order.
    let daysByMonth: [[CivilDate]]
    let firstDay: CivilDate
    let lastDay: CivilDate

    /// - Parameter endingBy: the last day with data (the snapshot date for the current year).
    init(year: Int, endingBy cutoff: CivilDate?) {
        self.year = year
        let holidays: Set<CivilDate> = [
            CivilDate(year, 4, 21), CivilDate(year, 5, 1), CivilDate(year, 9, 7), CivilDate(year, 10, 12),
            CivilDate(year, 11, 2), CivilDate(year, 11, 15), CivilDate(year, 11, 20),
        ]
        // Classes start on the first Monday from 6 February and end on the Friday before 16 December.
        var start = CivilDate(year, 2, 6)
        while start.weekday != 1 { start = start.adding(days: 1) }
        var end = CivilDate(year, 12, 15)
        while end.weekday != 5 { end = end.adding(days: -1) }
        if let cutoff, cutoff < end { end = cutoff }

        var months: [Int] = []
        var days: [[CivilDate]] = []
        var date = start
        while date <= end {
            if date.month != 7, date.isWeekday, !holidays.contains(date) {
                if months.last != date.month {
                    months.append(date.month)
                    days.append([])
                }
                days[days.count - 1].append(date)
            }
            date = date.adding(days: 1)
        }
        self.months = months
        self.daysByMonth = days
        self.firstDay = days.first?.first ?? start
        self.lastDay = days.last?.last ?? end
    }

    /// The index in `months` of the month holding `date`, if it has classes.
    func monthIndex(of date: CivilDate) -> Int? {
        guard date.year == year else { return nil }
        return months.firstIndex(of: date.month)
    }
}
