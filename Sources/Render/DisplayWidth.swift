/// How many terminal columns a string takes: 0 for combining marks and
/// zero-width characters, 2 for East Asian wide characters and emoji, 1 otherwise.
public func displayWidth(_ text: String) -> Int {
    var width = 0
    var inEscape = false
    for character in text {
        // ANSI styles (ESC [ … letter) take no columns.
        if character == "\u{1B}" {
            inEscape = true
            continue
        }
        if inEscape {
            if character.isLetter { inEscape = false }
            continue
        }
        width += displayWidth(of: character)
    }
    return width
}

/// The terminal columns of one grapheme cluster (a base and its marks take the base's width).
public func displayWidth(of character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    // An emoji, or a text symbol asked to show as emoji (U+FE0F), takes two columns.
    if scalars.contains(where: { $0.properties.isEmojiPresentation }) || scalars.contains("\u{FE0F}") {
        return 2
    }
    if isZeroWidth(first) { return 0 }
    return isWide(first) ? 2 : 1
}

private func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control:
        return true
    default:
        return (0x200B...0x200F).contains(scalar.value) || (0xFE00...0xFE0F).contains(scalar.value)
    }
}

/// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W/F, condensed).
private func isWide(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    let ranges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
    return ranges.contains { $0.contains(value) }
}

/// Cuts `text` to at most `width` columns, ending in "…" when something was cut.
public func truncate(_ text: String, toWidth width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width > 1 else { return width == 1 ? "…" : "" }
    var result = ""
    var used = 0
    for character in text {
        let next = displayWidth(of: character)
        if used + next > width - 1 { break }
        result.append(character)
        used += next
    }
    return result + "…"
}
