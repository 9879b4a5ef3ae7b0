//! The offline model: deterministic, needs no key, and says what it is (`grader: offline`).
//! Questions are grounded in the skills, employers and achievements found in the CV; scores
//! come from how much of the example answer's key points (or the rubric, or the criteria) the
//! answer covers, with the missed points listed. Instructions inside an answer are just words
//! to it, so they earn nothing.

use std::collections::BTreeSet;

use async_trait::async_trait;

use super::{
    DimensionScore, Evaluation, EvaluationRequest, Llm, LlmError, PersonalQuestion,
    PersonalQuestionsRequest, Star,
};
use crate::bank::{Lang, Position};
use crate::interviews::{Criterion, QuestionKind};

pub const GRADER: &str = "offline";

#[derive(Clone, Copy, Debug, Default)]
pub struct OfflineLlm;

#[async_trait]
impl Llm for OfflineLlm {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        Ok(write_questions(request))
    }

    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        Ok(grade(request))
    }
}

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "its", "use", "uses",
    "used", "with", "that", "this", "from", "into", "than", "then", "them", "they", "their",
    "there", "when", "what", "which", "while", "where", "will", "would", "should", "could",
    "about", "each", "other", "only", "more", "most", "such", "like", "also", "because", "over",
    "both", "have", "has", "had", "been", "being", "were", "was", "does", "did", "doing", "your",
    "our", "how", "why", "who", "one", "two", "way", "ways", "make", "makes", "via", "per",
];

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

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

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!(
            "{}…",
            text.chars().take(max - 1).collect::<String>().trim_end()
        )
    }
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

fn grade(request: &EvaluationRequest) -> Evaluation {
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

/// Technologies recognised in a CV, as they are usually written.
const SKILLS: &[&str] = &[
    "Rust",
    "Go",
    "Golang",
    "Java",
    "Kotlin",
    "Swift",
    "Objective-C",
    "Python",
    "TypeScript",
    "JavaScript",
    "C++",
    "C#",
    "Scala",
    "Ruby",
    "PHP",
    "Dart",
    "Node.js",
    "React",
    "React Native",
    "Vue",
    "Angular",
    "Next.js",
    "Svelte",
    "Flutter",
    "SwiftUI",
    "Jetpack Compose",
    "Spring",
    "Django",
    "FastAPI",
    "Flask",
    "Express",
    "Koa",
    "Rails",
    "GraphQL",
    "gRPC",
    "REST",
    "PostgreSQL",
    "MySQL",
    "MongoDB",
    "Redis",
    "Kafka",
    "RabbitMQ",
    "Elasticsearch",
    "DynamoDB",
    "Cassandra",
    "AWS",
    "GCP",
    "Azure",
    "Docker",
    "Kubernetes",
    "Terraform",
    "Ansible",
    "Jenkins",
    "GitHub Actions",
    "ArgoCD",
    "Istio",
    "Prometheus",
    "Grafana",
    "Linux",
    "PyTorch",
    "TensorFlow",
    "scikit-learn",
    "Spark",
    "Airflow",
    "MLflow",
    "Kubeflow",
    "Pandas",
    "LLM",
    "Transformers",
    "OpenCV",
    "Webpack",
    "Vite",
    "Redux",
    "Tailwind",
    "Firebase",
    "iOS",
    "Android",
];

/// Words that mark an employer's name.
const COMPANY_MARKERS: &[&str] = &[
    " Inc.",
    " Inc",
    " Corp.",
    " Corporation",
    " Ltd.",
    " Ltd",
    " LLC",
    " Co.,",
    " Co.",
    " GmbH",
    "주식회사",
    "(주)",
];

/// Verbs that open an achievement line.
const ACHIEVEMENT_VERBS: &[&str] = &[
    "led",
    "designed",
    "built",
    "developed",
    "implemented",
    "introduced",
    "established",
    "migrated",
    "reduced",
    "improved",
    "saved",
    "launched",
    "created",
    "architected",
    "scaled",
    "automated",
    "optimized",
    "delivered",
    "개발",
    "설계",
    "구축",
    "도입",
    "개선",
    "운영",
    "주도",
    "리드",
    "최적화",
    "자동화",
];

/// What the offline model finds in a CV.
#[derive(Debug, Default, PartialEq)]
pub struct CvFacts {
    pub skills: Vec<String>,
    pub employers: Vec<String>,
    pub achievements: Vec<String>,
}

pub fn cv_facts(cv: &str) -> CvFacts {
    let mut facts = CvFacts::default();
    let lower = cv.to_lowercase();
    let mut positions: Vec<(usize, &str)> = SKILLS
        .iter()
        .filter_map(|skill| find_word(&lower, &skill.to_lowercase()).map(|at| (at, *skill)))
        .collect();
    positions.sort();
    facts.skills = positions.into_iter().map(|(_, s)| s.to_owned()).collect();
    for line in cv.lines().map(str::trim) {
        if let Some(employer) = employer_in(line)
            && !facts.employers.contains(&employer)
        {
            facts.employers.push(employer);
        }
        let body = line.trim_start_matches(['•', '-', '*', '▪', '◦', '·', ' ']);
        let first = body
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let is_achievement = ACHIEVEMENT_VERBS
            .iter()
            .any(|v| first.starts_with(v) || (body.chars().any(is_hangul) && body.contains(v)));
        let length = body.chars().count();
        if is_achievement && (30..=400).contains(&length) {
            facts.achievements.push(body.to_owned());
        }
    }
    facts
}

/// The index of `word` in `text` where it stands as a word of its own.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn employer_in(line: &str) -> Option<String> {
    for marker in COMPANY_MARKERS {
        if let Some(at) = line.find(marker) {
            let name = if marker.starts_with(' ') {
                let start = line[..at].rfind(['•', '|', ',', ':']).map_or(0, |i| i + 1);
                format!("{}{}", line[start..at].trim(), marker.trim_end_matches(','))
            } else {
                let rest = line[at + marker.len()..].trim();
                let name: String = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if name.is_empty() {
                    continue;
                }
                name
            };
            let words = name.split_whitespace().count();
            if (1..=6).contains(&words) && name.chars().count() <= 60 {
                return Some(name);
            }
        }
    }
    None
}

fn role(position: Position, lang: Lang) -> &'static str {
    match (position, lang) {
        (Position::Ai, Lang::En) => "machine learning engineer",
        (Position::Be, Lang::En) => "back-end engineer",
        (Position::Fe, Lang::En) => "front-end engineer",
        (Position::Mobile, Lang::En) => "mobile engineer",
        (Position::Ai, Lang::Ko) => "머신러닝 엔지니어",
        (Position::Be, Lang::Ko) => "백엔드 개발자",
        (Position::Fe, Lang::Ko) => "프론트엔드 개발자",
        (Position::Mobile, Lang::Ko) => "모바일 개발자",
    }
}

fn criteria(items: [(&str, &str); 3]) -> Vec<Criterion> {
    items
        .into_iter()
        .map(|(keyword, description)| Criterion {
            keyword: keyword.into(),
            description: description.into(),
        })
        .collect()
}

fn write_questions(request: &PersonalQuestionsRequest) -> Vec<PersonalQuestion> {
    let facts = cv_facts(&request.cv_text);
    let lang = request.lang;
    let role = role(request.position, lang);
    let mut questions = Vec::new();
    for achievement in facts.achievements.iter().take(2) {
        let quoted = truncate(achievement, 140);
        questions.push(match (lang, questions.len()) {
            (Lang::En, 0) => PersonalQuestion {
                text: format!("Your CV says: \"{quoted}\". What exactly was your part, which alternatives did you weigh, and how did you measure the result?"),
                criteria: criteria([("ownership", "Names the decisions and work the candidate personally did, not only the team"), ("trade-offs", "Explains the alternatives considered and why the chosen approach won"), ("impact", "Gives a measurable outcome such as latency, cost, users or incidents")]),
            },
            (Lang::En, _) => PersonalQuestion {
                text: format!("About \"{quoted}\": what was the hardest technical problem along the way, and how did you solve it?"),
                criteria: criteria([("problem", "Describes a specific technical obstacle with enough detail to judge it"), ("approach", "Explains the debugging or design steps taken and the reasoning behind them"), ("lesson", "States what they learned or would do differently next time")]),
            },
            (Lang::Ko, 0) => PersonalQuestion {
                text: format!("이력서에 \"{quoted}\"라고 적혀 있습니다. 본인이 맡은 부분은 무엇이었고, 어떤 대안을 검토했으며, 결과는 어떻게 측정했나요?"),
                criteria: criteria([("주도성", "팀 전체가 아닌 본인이 직접 내린 결정과 수행한 작업을 구체적으로 설명한다"), ("트레이드오프", "검토한 대안과 최종 방식을 선택한 이유를 설명한다"), ("성과", "지연 시간, 비용, 사용자 수, 장애 건수 같은 측정 가능한 결과를 제시한다")]),
            },
            (Lang::Ko, _) => PersonalQuestion {
                text: format!("\"{quoted}\" 경험에서 가장 어려웠던 기술적 문제는 무엇이었고, 어떻게 해결했나요?"),
                criteria: criteria([("문제", "판단할 수 있을 만큼 구체적인 기술적 장애물을 설명한다"), ("접근", "디버깅이나 설계 과정과 그 근거를 설명한다"), ("교훈", "배운 점이나 다음에 다르게 할 점을 말한다")]),
            },
        });
    }
    if !facts.skills.is_empty() {
        let skills = facts
            .skills
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let first = &facts.skills[0];
        questions.push(match lang {
            Lang::En => PersonalQuestion {
                text: format!("You list {skills}. Tell me about a production problem you diagnosed where {first} was involved: the symptoms, the root cause and the fix."),
                criteria: criteria([("diagnosis", "Walks from symptoms to root cause with concrete evidence such as metrics, logs or traces"), ("depth", "Shows understanding of how the technology works internally, beyond its API"), ("prevention", "Describes what was changed so the problem would not come back")]),
            },
            Lang::Ko => PersonalQuestion {
                text: format!("이력서에 {skills}을(를) 적으셨습니다. {first}와 관련된 운영 장애를 진단했던 경험을 증상, 근본 원인, 해결 방법 순서로 말씀해 주세요."),
                criteria: criteria([("진단", "메트릭, 로그, 트레이스 같은 근거로 증상에서 근본 원인까지 설명한다"), ("깊이", "API 사용을 넘어 기술의 내부 동작을 이해하고 있음을 보여준다"), ("재발 방지", "같은 문제가 다시 생기지 않도록 바꾼 점을 설명한다")]),
            },
        });
    }
    if let Some(employer) = facts.employers.first() {
        questions.push(match lang {
            Lang::En => PersonalQuestion {
                text: format!("At {employer}, what was the most important engineering decision you influenced, and how would you approach it today as a {role}?"),
                criteria: criteria([("context", "Explains the business and technical context of the decision at that company"), ("influence", "Shows how the candidate shaped the decision, with other people involved"), ("reflection", "Evaluates the decision in hindsight with a concrete change they would make")]),
            },
            Lang::Ko => PersonalQuestion {
                text: format!("{employer}에서 본인이 영향을 준 가장 중요한 기술적 의사결정은 무엇이었고, 지금 {role}로서 다시 한다면 어떻게 접근하겠습니까?"),
                criteria: criteria([("맥락", "해당 회사에서 그 결정이 필요했던 비즈니스·기술적 맥락을 설명한다"), ("영향력", "다른 사람들과 함께 본인이 결정에 어떻게 기여했는지 보여준다"), ("회고", "지금 돌아봤을 때 바꿀 점을 구체적으로 평가한다")]),
            },
        });
    }
    let fallbacks = match lang {
        Lang::En => vec![
            PersonalQuestion {
                text: format!("Which project on your CV best prepares you for a {role} role, and what would you build differently if you started it again?"),
                criteria: criteria([("relevance", "Connects the project's work to what the role needs"), ("specifics", "Describes architecture, scale or constraints concretely"), ("growth", "Names a concrete improvement that shows learning since then")]),
            },
            PersonalQuestion {
                text: "Tell me about a time your work on a project in your CV was blocked by another team or system. How did you get it moving?".into(),
                criteria: criteria([("collaboration", "Works with the other team rather than around it"), ("initiative", "Takes concrete steps to unblock instead of waiting"), ("outcome", "States how and when the work got unblocked")]),
            },
            PersonalQuestion {
                text: "What is a technical skill you had to learn quickly for a job on your CV, and how did you get productive with it?".into(),
                criteria: criteria([("learning", "Describes a deliberate method for learning the skill"), ("application", "Shows the skill applied to real work soon after"), ("self-awareness", "Is honest about mistakes made while learning")]),
            },
            PersonalQuestion {
                text: "Describe the system you know best from your CV: its main components, where it was fragile, and how you made it more reliable.".into(),
                criteria: criteria([("architecture", "Names the components and how data flows between them"), ("weak spots", "Identifies real failure modes or bottlenecks"), ("reliability", "Describes concrete changes that improved reliability")]),
            },
        ],
        Lang::Ko => vec![
            PersonalQuestion {
                text: format!("이력서의 프로젝트 중 {role} 역할에 가장 도움이 되는 것은 무엇이며, 다시 시작한다면 무엇을 다르게 만들겠습니까?"),
                criteria: criteria([("연관성", "프로젝트 경험을 해당 역할에 필요한 역량과 연결한다"), ("구체성", "아키텍처, 규모, 제약 조건을 구체적으로 설명한다"), ("성장", "그 이후의 배움을 보여주는 구체적인 개선점을 말한다")]),
            },
            PersonalQuestion {
                text: "이력서의 프로젝트에서 다른 팀이나 시스템 때문에 일이 막혔던 경험과, 그것을 어떻게 풀어냈는지 말씀해 주세요.".into(),
                criteria: criteria([("협업", "상대 팀을 우회하지 않고 함께 문제를 푼다"), ("주도성", "기다리지 않고 막힌 일을 풀기 위해 구체적으로 행동한다"), ("결과", "언제, 어떻게 문제가 해결되었는지 말한다")]),
            },
            PersonalQuestion {
                text: "이력서의 업무를 위해 빠르게 익혀야 했던 기술은 무엇이었고, 어떻게 빠르게 생산성을 냈나요?".into(),
                criteria: criteria([("학습", "기술을 익히기 위한 의도적인 방법을 설명한다"), ("적용", "배운 기술을 곧바로 실제 업무에 적용한 사례를 보여준다"), ("자기 인식", "배우는 과정의 실수를 솔직하게 이야기한다")]),
            },
            PersonalQuestion {
                text: "이력서에서 가장 잘 아는 시스템의 주요 구성 요소, 취약했던 지점, 그리고 안정성을 높인 방법을 설명해 주세요.".into(),
                criteria: criteria([("아키텍처", "구성 요소와 데이터 흐름을 설명한다"), ("취약점", "실제 장애 유형이나 병목을 짚어낸다"), ("안정성", "안정성을 높인 구체적인 변경을 설명한다")]),
            },
        ],
    };
    questions.extend(fallbacks);
    questions.truncate(request.count);
    questions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_from_the_cv() {
        let cv = "Jane Doe\nAcme Cloud Inc. Seoul\n• Led the migration of 40 services to Kubernetes, cutting deploy time by 70%\n• Built a Kafka pipeline for payments in Go\nSkills: Rust, PostgreSQL, Terraform";
        let facts = cv_facts(cv);
        assert_eq!(facts.employers, ["Acme Cloud Inc."]);
        assert_eq!(facts.achievements.len(), 2);
        assert!(facts.skills.contains(&"Kubernetes".to_owned()));
        assert!(facts.skills.contains(&"Terraform".to_owned()));
        assert!(!facts.skills.contains(&"Go".to_owned()) || cv.contains(" Go"));
    }

    #[test]
    fn korean_particles_do_not_hide_words() {
        assert_eq!(terms("인덱스를 사용하면"), terms("인덱스는 사용했다"));
        assert!(terms("트랜잭션은").contains("트랜"));
    }
}
