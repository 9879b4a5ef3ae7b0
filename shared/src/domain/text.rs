//! Text helpers every rule that reads or shortens user text shares.

/// Whether a character is a Hangul syllable.
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The text cut to at most `max` characters, an ellipsis marking a cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", kept.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_and_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("가나다라마바", 4), "가나다…");
        assert_eq!(truncate("ab cd", 4), "ab…");
        assert!(is_hangul('한') && !is_hangul('a'));
    }
}
