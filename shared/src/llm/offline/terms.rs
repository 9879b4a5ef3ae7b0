//! The words the offline grader compares texts on.
//!
//! English words become Snowball (Porter2) stems, so `indexes`, `indexed` and `indexing` are
//! one term. Korean glues particles and endings to its words (`인덱스는`, `갱신한다`), so a
//! Korean word is taken without them, and found in another text by its pairs of adjacent
//! syllables: half of them is enough, which finds a word inside compounds and other forms
//! (`재시도` in `다시 시도하고`, `기대값` in `기대한 값`). A term also counts as found when one
//! of its synonyms (`synonyms.rs`) is.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::synonyms::SYNONYMS;
use crate::domain::text::is_hangul;

/// A word as texts are compared on: an English stem, or a Korean word without its particles
/// and endings.
pub(super) type Term = String;

const ENGLISH_STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "its", "use", "uses",
    "used", "with", "that", "this", "from", "into", "than", "then", "them", "they", "their",
    "there", "when", "what", "which", "while", "where", "will", "would", "should", "could", "must",
    "about", "each", "other", "only", "more", "most", "such", "like", "also", "because", "over",
    "both", "have", "has", "had", "been", "being", "were", "was", "does", "did", "doing", "your",
    "our", "how", "why", "who", "one", "two", "way", "ways", "make", "makes", "via", "per", "am",
    "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me", "my", "no", "of",
    "on", "or", "so", "to", "up", "us", "we", "very", "just", "some", "these", "those", "here",
    "get", "gets", "got", "say", "says", "said", "let", "lets", "much", "many", "own", "same",
    "still", "even", "every", "again", "once", "too",
];

/// Korean words that carry no knowledge of a subject: counters, connectives, "use", "have",
/// "not" and the like, as they stand once their endings are gone.
const KOREAN_STOPWORDS: &[&str] = &[
    "것",
    "수",
    "때",
    "등",
    "더",
    "및",
    "또",
    "그",
    "이",
    "저",
    "즉",
    "약",
    "예",
    "새",
    "첫",
    "번",
    "두",
    "둘",
    "한",
    "안",
    "못",
    "잘",
    "왜",
    "뭐",
    "중",
    "후",
    "전",
    "간",
    "시",
    "각",
    "다른",
    "여러",
    "모든",
    "같은",
    "같",
    "또는",
    "혹은",
    "보통",
    "함께",
    "위해",
    "대한",
    "대해",
    "통해",
    "대신",
    "때문",
    "때문에",
    "아니라",
    "아닌",
    "아니",
    "가장",
    "너무",
    "따라",
    "모두",
    "매우",
    "아주",
    "정말",
    "있",
    "있다",
    "있는",
    "있고",
    "있어",
    "있음",
    "없",
    "없다",
    "없는",
    "없이",
    "없고",
    "없음",
    "않",
    "않는다",
    "않고",
    "않은",
    "않음",
    "않는",
    "않아",
    "않아서",
    "쓴다",
    "쓰는",
    "쓰고",
    "쓴",
    "씁니다",
    "사용",
    "경우",
    "그리고",
    "하지만",
    "그래서",
    "그러나",
    "만약",
    "어떤",
    "각각",
    "해당",
    "이런",
    "그런",
    "이것",
    "그것",
    "하나",
    "예를",
    "들면",
    "들어",
    "말",
    "일",
    "제가",
    "저는",
    "우리",
];

/// What must come right before a Korean particle or ending for it to be one: Korean picks a
/// particle's form by whether the syllable before ends in a consonant (은/는, 이/가, 을/를).
#[derive(Clone, Copy)]
enum Before {
    /// A syllable ending in a consonant.
    Consonant,
    /// A syllable ending in a vowel.
    Vowel,
    /// A syllable ending in a vowel or in ㄹ (the rule of 로).
    VowelOrRieul,
    /// Any syllable.
    AnySyllable,
    /// Any syllable; a one-syllable ending needs two syllables before it, so that short nouns
    /// that happen to end in one (`회의`, `제한`) are left whole.
    Any,
}

const KOREAN_ENDINGS: &[(&str, Before)] = &[
    ("은", Before::Consonant),
    ("을", Before::Consonant),
    ("이", Before::Consonant),
    ("과", Before::Consonant),
    ("으로", Before::Consonant),
    ("으로는", Before::Consonant),
    ("으로도", Before::Consonant),
    ("이나", Before::Consonant),
    ("이란", Before::Consonant),
    ("이라는", Before::Consonant),
    ("이라고", Before::Consonant),
    ("이라서", Before::Consonant),
    ("이고", Before::Consonant),
    ("이며", Before::Consonant),
    ("이다", Before::Consonant),
    ("이지만", Before::Consonant),
    ("이라", Before::Consonant),
    ("으면", Before::Consonant),
    // A verb stem ending in a consonant, nominalised or joined to the next verb (읽기, 읽어).
    ("기", Before::Consonant),
    ("어", Before::Consonant),
    ("이어야", Before::Consonant),
    ("는", Before::Vowel),
    ("를", Before::Vowel),
    ("가", Before::Vowel),
    ("와", Before::Vowel),
    ("나", Before::Vowel),
    ("란", Before::Vowel),
    ("라는", Before::Vowel),
    ("라고", Before::Vowel),
    ("라서", Before::Vowel),
    ("로", Before::VowelOrRieul),
    ("로는", Before::VowelOrRieul),
    ("로도", Before::VowelOrRieul),
    ("의", Before::Any),
    ("에", Before::Any),
    ("도", Before::Any),
    ("들", Before::Any),
    ("별", Before::Any),
    ("에서", Before::Any),
    ("에서는", Before::Any),
    ("에서도", Before::Any),
    ("에게", Before::Any),
    ("에는", Before::Any),
    ("에도", Before::Any),
    ("까지", Before::Any),
    ("부터", Before::Any),
    ("보다", Before::Any),
    ("처럼", Before::Any),
    ("마다", Before::Any),
    ("만", Before::AnySyllable),
    ("시킨다", Before::Any),
    ("시켜", Before::Any),
    ("하다", Before::Any),
    ("한다", Before::Any),
    ("하는", Before::Any),
    ("하고", Before::Any),
    ("하면", Before::Any),
    ("해서", Before::Any),
    ("하여", Before::Any),
    ("하게", Before::Any),
    ("하지", Before::Any),
    ("하며", Before::Any),
    ("하기", Before::Any),
    ("해야", Before::Any),
    ("했다", Before::Any),
    ("했고", Before::Any),
    ("합니다", Before::Any),
    ("했습니다", Before::Any),
    ("습니다", Before::Any),
    ("었습니다", Before::Any),
    ("았습니다", Before::Any),
    ("된다", Before::Any),
    ("되는", Before::Any),
    ("되고", Before::Any),
    ("되면", Before::Any),
    ("되어", Before::Any),
    ("돼서", Before::Any),
    ("되지", Before::Any),
    ("됩니다", Before::Any),
    ("입니다", Before::Any),
    ("한", Before::Any),
    ("할", Before::Any),
    ("함", Before::Any),
    ("해", Before::Any),
    ("된", Before::Any),
    ("될", Before::Any),
    ("됨", Before::Any),
];

/// Nouns whose last syllable looks like a particle or ending but belongs to the word.
const KOREAN_WHOLE_WORDS: &[&str] = &["추가", "길이", "재시도", "언어", "단어", "용어"];

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stopwords as stems, so that inflected stopwords (`using`, `makes`) are dropped too.
static ENGLISH_STOP_STEMS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    ENGLISH_STOPWORDS
        .iter()
        .map(|w| ENGLISH.stem(w).into_owned())
        .collect()
});

/// Every term of the synonym table, with the terms it is interchangeable with.
static SYNONYMS_OF: LazyLock<HashMap<Term, Vec<Term>>> = LazyLock::new(|| {
    let mut synonyms: HashMap<Term, Vec<Term>> = HashMap::new();
    for group in SYNONYMS {
        let terms: Vec<Term> = group.iter().filter_map(|word| word_term(word)).collect();
        for term in &terms {
            let entry = synonyms.entry(term.clone()).or_default();
            entry.extend(terms.iter().filter(|t| *t != term).cloned());
        }
    }
    synonyms
});

fn has_final_consonant(syllable: char) -> bool {
    is_hangul(syllable) && (u32::from(syllable) - 0xAC00) % 28 != 0
}

fn ends_in_rieul(syllable: char) -> bool {
    is_hangul(syllable) && (u32::from(syllable) - 0xAC00) % 28 == 8
}

/// The syllable without its final consonant (`낸` → `내`). Verb endings often add one to a
/// stem's last syllable (`보내다`: `보낸`, `보낼`, `보냅니다`).
fn without_final_consonant(syllable: char) -> char {
    if !is_hangul(syllable) {
        return syllable;
    }
    let code = u32::from(syllable);
    char::from_u32(code - (code - 0xAC00) % 28).unwrap_or(syllable)
}

/// The longest particle or ending that `word` ends in, if the rest can carry it.
fn strip_korean_ending(word: &str) -> Option<&str> {
    KOREAN_ENDINGS
        .iter()
        .filter_map(|(ending, before)| {
            let rest = word.strip_suffix(ending)?;
            let last = rest.chars().last()?;
            let fits = match before {
                Before::Consonant => has_final_consonant(last),
                Before::Vowel => !has_final_consonant(last),
                Before::VowelOrRieul => !has_final_consonant(last) || ends_in_rieul(last),
                Before::AnySyllable => true,
                Before::Any => ending.chars().count() > 1 || rest.chars().count() >= 2,
            };
            fits.then_some(rest)
        })
        .min_by_key(|rest| rest.len())
}

/// A Korean word without its particle or ending, and without the plural 들 before it
/// (`스레드들이` → `스레드`).
fn korean_stem(word: &str) -> &str {
    if KOREAN_WHOLE_WORDS.contains(&word) {
        return word;
    }
    let stem = strip_korean_ending(word).unwrap_or(word);
    match stem.strip_suffix('들') {
        Some(single) if single.chars().count() >= 2 => single,
        _ => stem,
    }
}

/// The term of one word (a run of Hangul, or of letters and digits), if it carries meaning.
fn word_term(word: &str) -> Option<Term> {
    if word.chars().any(is_hangul) {
        // A particle or ending on its own was glued to a Latin word (`CAS는`, `flush해서`).
        if KOREAN_ENDINGS.iter().any(|(ending, _)| *ending == word) {
            return None;
        }
        let stem = korean_stem(word);
        return (!KOREAN_STOPWORDS.contains(&stem)).then(|| stem.to_owned());
    }
    let word = word.to_lowercase().replace('’', "'");
    // `doesn't` says no but names nothing; `Java's` is about Java.
    if word.ends_with("n't") {
        return None;
    }
    let word = word.split('\'').next().unwrap_or_default();
    if word.chars().count() < 2 {
        return None;
    }
    let stem = ENGLISH.stem(word).into_owned();
    (!ENGLISH_STOP_STEMS.contains(&stem)).then_some(stem)
}

/// The words of a text: runs of Hangul, and runs of other letters and digits. `+` and `#`
/// end a word as part of it (`c++`, `c#`) but split words inside one (`TP+FP`); an
/// apostrophe inside a word belongs to it (`doesn't`, `Java's`).
fn words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    let mut hangul_run = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_is_word = chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        let hangul = is_hangul(c);
        let in_latin_word = start.is_some() && !hangul_run;
        let in_word = c.is_alphanumeric()
            || (matches!(c, '+' | '#') && start.is_some() && !next_is_word)
            || (matches!(c, '\'' | '’') && in_latin_word && next_is_word);
        if let Some(from) = start
            && (!in_word || hangul != hangul_run)
        {
            words.push(&text[from..at]);
            start = None;
        }
        if in_word && start.is_none() {
            start = Some(at);
            hangul_run = hangul;
        }
    }
    if let Some(from) = start {
        words.push(&text[from..]);
    }
    words
}

/// The terms of a text.
pub(super) fn terms(text: &str) -> BTreeSet<Term> {
    words(text).into_iter().filter_map(word_term).collect()
}

/// Whether a text says that something is not so or must not be done (`never`, `avoid`,
/// `does not`, `않는다`, `안 된다`, `금지`).
pub(super) fn denies(text: &str) -> bool {
    words(text).into_iter().any(|word| {
        let word = word.to_lowercase().replace('’', "'");
        matches!(word.as_str(), "not" | "never" | "cannot" | "avoid" | "안")
            || word.ends_with("n't")
            || [
                "않", "못", "금지", "말아", "말고", "피하", "피해", "피한", "회피", "절대",
            ]
            .iter()
            .any(|cue| word.starts_with(cue))
    })
}

/// Whether a text says no in any way: denies something, or says it is absent (`no`,
/// `without`, `없다`, `아니다`).
pub(super) fn says_no(text: &str) -> bool {
    denies(text)
        || words(text).into_iter().any(|word| {
            let word = word.to_lowercase();
            matches!(
                word.as_str(),
                "no" | "without" | "none" | "nothing" | "nor" | "neither"
            ) || ["없", "아니", "아닌"]
                .iter()
                .any(|cue| word.starts_with(cue))
        })
}

/// A text made ready for looking terms up in it.
pub(super) struct Lookup {
    stems: HashSet<Term>,
    syllable_pairs: HashSet<(char, char)>,
    /// The pairs with the second syllable's final consonant dropped.
    loose_syllable_pairs: HashSet<(char, char)>,
    first_syllables: HashSet<char>,
}

impl Lookup {
    pub(super) fn new(text: &str) -> Self {
        let mut lookup = Self {
            stems: HashSet::new(),
            syllable_pairs: HashSet::new(),
            loose_syllable_pairs: HashSet::new(),
            first_syllables: HashSet::new(),
        };
        for word in words(text) {
            let syllables: Vec<char> = word.chars().collect();
            if let Some(&first) = syllables.first().filter(|c| is_hangul(**c)) {
                lookup.first_syllables.insert(first);
                for pair in syllables.windows(2) {
                    lookup.syllable_pairs.insert((pair[0], pair[1]));
                    lookup
                        .loose_syllable_pairs
                        .insert((pair[0], without_final_consonant(pair[1])));
                }
            } else if let Some(term) = word_term(word) {
                lookup.stems.insert(term);
            }
        }
        lookup
    }

    /// Whether the text says `term` itself, in any of its forms.
    fn says(&self, term: &str) -> bool {
        let syllables: Vec<char> = term.chars().collect();
        match syllables.as_slice() {
            [first, ..] if !is_hangul(*first) => self.stems.contains(term),
            // One syllable: a word of the text must begin with it (`락` in `락을`).
            [only] => self.first_syllables.contains(only),
            _ => {
                let pairs = syllables.len() - 1;
                let found = syllables
                    .windows(2)
                    .enumerate()
                    .filter(|(at, pair)| {
                        self.syllable_pairs.contains(&(pair[0], pair[1]))
                            // The word's last syllable may carry an ending's consonant.
                            || (*at == pairs - 1
                                && self.loose_syllable_pairs.contains(&(
                                    pair[0],
                                    without_final_consonant(pair[1]),
                                )))
                    })
                    .count();
                found * 2 >= pairs
            }
        }
    }

    /// Whether the text says `term` or one of its synonyms.
    pub(super) fn mentions(&self, term: &str) -> bool {
        self.says(term)
            || SYNONYMS_OF
                .get(term)
                .is_some_and(|synonyms| synonyms.iter().any(|s| self.says(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_particles_and_endings_do_not_hide_words() {
        assert_eq!(terms("인덱스를 사용하면"), terms("인덱스는 사용했다"));
        assert!(terms("트랜잭션은").contains("트랜잭션"));
        assert!(terms("갱신한다").contains("갱신"));
        assert!(terms("스레드들이").contains("스레드"));
        assert_eq!(terms("읽기"), terms("읽어"));
        assert!(terms("언어 모델").contains("언어"));
        assert!(terms("값이 락을 키가").is_superset(&terms("값 락 키")));
        // Nouns that end like a particle keep it.
        assert!(terms("권한과 제한").is_superset(&terms("권한 제한")));
        assert!(terms("추가로 재시도하고").is_superset(&terms("추가 재시도")));
        // Latin and Hangul glued together are two words.
        assert_eq!(terms("CAS는"), terms("CAS"));
    }

    #[test]
    fn english_words_are_compared_on_their_stems() {
        assert_eq!(terms("indexes indexing"), terms("index"));
        assert_eq!(terms("retries"), terms("retrying"));
        assert!(terms("using the makes").is_empty());
        assert_eq!(
            terms("C++ and C#"),
            BTreeSet::from(["c++".into(), "c#".into()])
        );
        assert_eq!(terms("TP+FP"), terms("tp fp"));
        assert_eq!(terms("Java's GC doesn't pause"), terms("java gc pause"));
    }

    #[test]
    fn korean_words_are_found_by_their_syllable_pairs() {
        let answer = Lookup::new("실패하면 다시 시도하고, 예상한 값과 비교합니다.");
        assert!(answer.mentions("재시도"));
        assert!(answer.mentions("값"));
        assert!(!answer.mentions("락"));
        // An ending's consonant on the last syllable: 보낸다, 보냅니다.
        assert!(Lookup::new("다시 보냅니다").mentions("보낸"));
        assert!(!answer.mentions("캐시"));
    }

    #[test]
    fn denials_and_absence_are_told_apart() {
        assert!(denies("Never store plain text") && denies("평문은 절대 안 된다"));
        assert!(denies("it doesn't block") && denies("it doesn’t block"));
        assert!(denies("보호하지 못한다"));
        assert!(!denies("no-store means no caching") && says_no("no-store means no caching"));
        assert!(says_no("락이 없다") && !says_no("락을 잡는다"));
    }

    #[test]
    fn synonyms_count_as_the_term() {
        assert!(Lookup::new("the cached entry is removed").mentions(&ENGLISH.stem("delete")));
        assert!(Lookup::new("캐시 항목을 지운다").mentions("삭제"));
        assert!(Lookup::new("예상한 값").mentions("기대"));
    }

    #[test]
    fn every_synonym_is_one_word_with_meaning() {
        for word in SYNONYMS.iter().flat_map(|group| group.iter()) {
            assert_eq!(words(word), [*word], "`{word}` is not one word");
            assert!(word_term(word).is_some(), "`{word}` is a stopword");
        }
    }
}
