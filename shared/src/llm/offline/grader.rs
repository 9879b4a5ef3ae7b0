//! Grading by coverage: an answer's terms against the key points, the rubric's STAR cues or
//! the criteria. Terms are stems, so endings and Korean particles do not hide a word.

use std::collections::BTreeSet;

use super::GRADER;
use crate::domain::evaluation::{DimensionScore, Evaluation, EvaluationRequest, Star};
use crate::domain::text::{is_hangul, truncate};
use crate::domain::{Lang, QuestionKind};

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "its", "use", "uses",
    "used", "with", "that", "this", "from", "into", "than", "then", "them", "they", "their",
    "there", "when", "what", "which", "while", "where", "will", "would", "should", "could",
    "about", "each", "other", "only", "more", "most", "such", "like", "also", "because", "over",
    "both", "have", "has", "had", "been", "being", "were", "was", "does", "did", "doing", "your",
    "our", "how", "why", "who", "one", "two", "way", "ways", "make", "makes", "via", "per",
];

/// The comparable form of a word: lowercase; English cut to a 5-letter stem; Korean cut to
/// its first two syllables, which drops the particles and endings glued to a word
/// (인덱스는, 인덱스를 → 인덱).
fn stem(word: &str) -> Option<String> {
    let word = word.to_lowercase();
    if word.chars().any(is_hangul) {
        return (word.chars().count() >= 2).then(|| word.chars().take(2).collect());
    }
    if word.chars().count() < 3 || STOPWORDS.contains(&word.as_str()) {
        return None;
    }
    Some(word.chars().take(5).collect())
}

fn terms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .filter_map(stem)
        .collect()
}

/// The share of `wanted` terms found in `have`.
fn coverage(wanted: &BTreeSet<String>, have: &BTreeSet<String>) -> f64 {
    if wanted.is_empty() {
        return 0.0;
    }
    wanted.iter().filter(|t| have.contains(*t)).count() as f64 / wanted.len() as f64
}

fn to_score(fraction: f64, max: u8) -> u8 {
    let max = f64::from(max);
    (1.0 + (max - 1.0) * fraction.clamp(0.0, 1.0)).round() as u8
}

fn sentences(text: &str) -> Vec<&str> {
    text.split(['.', '!', '?', '\n', '。'])
        .map(str::trim)
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

/// Up to three sentences of the answer that contain what was looked for.
fn evidence(answer: &str, wanted: &BTreeSet<String>) -> Vec<String> {
    sentences(answer)
        .into_iter()
        .filter(|s| terms(s).iter().any(|t| wanted.contains(t)))
        .take(3)
        .map(|s| truncate(s, 300))
        .collect()
}

pub(super) fn grade(request: &EvaluationRequest) -> Evaluation {
    match request.kind {
        QuestionKind::Technical => grade_technical(request),
        QuestionKind::Behavioral => grade_behavioral(request),
        QuestionKind::Personal => grade_personal(request),
    }
}

/// Answers too short to show understanding are discounted, whatever words they hit.
fn length_factor(answer: &str) -> f64 {
    let words =
        answer.split_whitespace().count() + answer.chars().filter(|c| is_hangul(*c)).count() / 3;
    (words as f64 / 25.0).clamp(0.5, 1.0)
}

/// The terms of a key point that show knowledge: words the question itself uses are left
/// out, since repeating the question earns nothing.
fn evidence_terms(point: &str, question: &BTreeSet<String>) -> BTreeSet<String> {
    let all = terms(point);
    let specific: BTreeSet<String> = all.difference(question).cloned().collect();
    if specific.is_empty() { all } else { specific }
}

fn grade_technical(request: &EvaluationRequest) -> Evaluation {
    let answer_terms = terms(&request.answer);
    let question_terms = terms(&request.question);
    let mut covered = Vec::new();
    let mut missed = Vec::new();
    let mut all_wanted = BTreeSet::new();
    let mut touched = 0.0;
    for point in &request.key_points {
        let wanted = evidence_terms(point, &question_terms);
        all_wanted.extend(wanted.iter().cloned());
        let share = coverage(&wanted, &answer_terms);
        // A single stray word in common is noise, not knowledge of the point.
        if share >= 0.34 {
            touched += share;
        }
        if share >= 0.5 {
            covered.push(point.clone());
        } else {
            missed.push(point.clone());
        }
    }
    let total = request.key_points.len().max(1) as f64;
    let completeness = covered.len() as f64 / total;
    let accuracy = touched / total;
    let length = length_factor(&request.answer);
    let example_terms: BTreeSet<String> = request
        .example_answer
        .as_deref()
        .map(|e| terms(e).difference(&question_terms).cloned().collect())
        .unwrap_or_default();
    let depth = (coverage(&example_terms, &answer_terms) * 2.0).min(1.0);
    let sentence_count = sentences(&request.answer).len();
    let clarity = if accuracy == 0.0 {
        0.0
    } else {
        (sentence_count as f64 / 3.0).min(1.0)
    };
    let overall = (0.35 * accuracy + 0.4 * completeness + 0.15 * depth + 0.1 * clarity) * length;
    let dimensions = vec![
        dimension("accuracy", accuracy, None),
        dimension("completeness", completeness, None),
        dimension("depth", depth, None),
        dimension("clarity", clarity, None),
    ];
    let feedback = technical_feedback(
        request.lang,
        covered.len(),
        &missed,
        request.key_points.len(),
    );
    Evaluation {
        grader: GRADER.into(),
        score: to_score(overall, 10),
        dimensions,
        evidence: evidence(&request.answer, &all_wanted),
        key_points_covered: covered,
        key_points_missed: missed,
        star: None,
        feedback,
    }
}

fn dimension(name: &str, fraction: f64, reason: Option<String>) -> DimensionScore {
    DimensionScore {
        name: name.into(),
        score: to_score(fraction, 10),
        max: 10,
        reason,
    }
}

fn technical_feedback(lang: Lang, covered: usize, missed: &[String], total: usize) -> String {
    let missing = missed.join("; ");
    match (lang, missed.is_empty()) {
        (Lang::En, true) => format!(
            "You covered all {total} key points. To go further, add a concrete example or trade-off from your own work."
        ),
        (Lang::En, false) => {
            format!("You covered {covered} of {total} key points. Missing: {missing}.")
        }
        (Lang::Ko, true) => format!(
            "핵심 포인트 {total}개를 모두 다뤘습니다. 실제 경험에서 나온 구체적인 사례나 트레이드오프를 더하면 더 좋습니다."
        ),
        (Lang::Ko, false) => {
            format!("핵심 포인트 {total}개 중 {covered}개를 다뤘습니다. 빠진 내용: {missing}.")
        }
    }
}

const STAR_CUES: [(&str, &[&str]); 4] = [
    (
        "situation",
        &[
            "situation",
            "context",
            "when i",
            "at my",
            "our team",
            "project",
            "we were",
            "상황",
            "당시",
            "프로젝트",
            "팀에서",
            "회사에서",
        ],
    ),
    (
        "task",
        &[
            "task",
            "goal",
            "responsible",
            "needed to",
            "had to",
            "my role",
            "objective",
            "과제",
            "목표",
            "역할",
            "책임",
            "해야",
        ],
    ),
    (
        "action",
        &[
            "i decided",
            "i led",
            "i built",
            "i proposed",
            "i wrote",
            "i organized",
            "i talked",
            "i created",
            "i changed",
            "i set up",
            "action",
            "so i",
            "제가",
            "저는",
            "진행했",
            "제안했",
            "도입했",
            "설득했",
            "만들었",
        ],
    ),
    (
        "result",
        &[
            "result",
            "outcome",
            "as a result",
            "reduced",
            "increased",
            "improved",
            "learned",
            "%",
            "결과",
            "개선",
            "줄었",
            "늘었",
            "배웠",
            "성과",
        ],
    ),
];

fn grade_behavioral(request: &EvaluationRequest) -> Evaluation {
    let lower = request.answer.to_lowercase();
    let found = |cues: &[&str]| cues.iter().any(|cue| lower.contains(cue));
    let star = Star {
        situation: found(STAR_CUES[0].1),
        task: found(STAR_CUES[1].1),
        action: found(STAR_CUES[2].1),
        result: found(STAR_CUES[3].1),
    };
    let parts = [star.situation, star.task, star.action, star.result]
        .iter()
        .filter(|p| **p)
        .count();
    let length = length_factor(&request.answer);
    // Level 1 with no structure, up to 5 with all four parts told at some length.
    let level = (1.0 + parts as f64 * length).round().clamp(1.0, 5.0) as u8;
    let rubric_text = request
        .competency
        .as_ref()
        .and_then(|c| c.rubric.get(&level.to_string()).cloned());
    let missing: Vec<&str> = STAR_CUES
        .iter()
        .zip([star.situation, star.task, star.action, star.result])
        .filter(|(_, present)| !present)
        .map(|((name, _), _)| *name)
        .collect();
    let feedback = match (request.lang, missing.is_empty()) {
        (Lang::En, true) => "Your answer follows the STAR structure. Make the result measurable and say what you would do differently.".to_owned(),
        (Lang::En, false) => format!("Tell it as a STAR story; missing or unclear: {}.", missing.join(", ")),
        (Lang::Ko, true) => "STAR 구조를 잘 따랐습니다. 결과를 수치로 보여주고, 다시 한다면 무엇을 다르게 할지 덧붙여 보세요.".to_owned(),
        (Lang::Ko, false) => format!("STAR(상황·과제·행동·결과) 구조로 답해 보세요. 부족한 부분: {}.", missing.iter().map(|m| star_korean(m)).collect::<Vec<_>>().join(", ")),
    };
    let wanted: BTreeSet<String> = STAR_CUES
        .iter()
        .flat_map(|(_, cues)| cues.iter().flat_map(|c| terms(c)))
        .collect();
    Evaluation {
        grader: GRADER.into(),
        score: (level * 2).clamp(1, 10),
        dimensions: vec![DimensionScore {
            name: "rubric".into(),
            score: level,
            max: 5,
            reason: rubric_text,
        }],
        key_points_covered: Vec::new(),
        key_points_missed: Vec::new(),
        evidence: evidence(&request.answer, &wanted),
        star: Some(star),
        feedback,
    }
}

fn star_korean(part: &str) -> &'static str {
    match part {
        "situation" => "상황",
        "task" => "과제",
        "action" => "행동",
        _ => "결과",
    }
}

fn grade_personal(request: &EvaluationRequest) -> Evaluation {
    let answer_terms = terms(&request.answer);
    let length = length_factor(&request.answer);
    let mut dimensions = Vec::new();
    let mut wanted_all = BTreeSet::new();
    let mut total = 0.0;
    for criterion in &request.criteria {
        let wanted = terms(&format!("{} {}", criterion.keyword, criterion.description));
        wanted_all.extend(wanted.iter().cloned());
        let fraction = (coverage(&wanted, &answer_terms) * 2.0).min(1.0) * length;
        total += fraction;
        let reason = match request.lang {
            Lang::En => format!(
                "{:.0}% of what this criterion looks for is addressed.",
                fraction * 100.0
            ),
            Lang::Ko => format!(
                "이 기준에서 기대하는 내용의 {:.0}%를 다뤘습니다.",
                fraction * 100.0
            ),
        };
        dimensions.push(dimension(&criterion.keyword, fraction, Some(reason)));
    }
    let average = total / request.criteria.len().max(1) as f64;
    let weakest = dimensions
        .iter()
        .min_by_key(|d| d.score)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let feedback = match request.lang {
        Lang::En => format!(
            "Tie the answer to specifics from your CV; the weakest criterion was `{weakest}`."
        ),
        Lang::Ko => {
            format!("이력서의 구체적인 경험과 연결해 답해 보세요. 가장 부족한 기준: `{weakest}`.")
        }
    };
    Evaluation {
        grader: GRADER.into(),
        score: to_score(average, 10),
        dimensions,
        key_points_covered: Vec::new(),
        key_points_missed: Vec::new(),
        evidence: evidence(&request.answer, &wanted_all),
        star: None,
        feedback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_particles_do_not_hide_words() {
        assert_eq!(terms("인덱스를 사용하면"), terms("인덱스는 사용했다"));
        assert!(terms("트랜잭션은").contains("트랜"));
    }
}
