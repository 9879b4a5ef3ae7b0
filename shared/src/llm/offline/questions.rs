//! Personal questions written from what a CV shows: achievements, skills and employers, with
//! general questions about the CV to fill the count. For an interview aimed at a job posting,
//! the first ones ask about requirements the CV does not show (gaps) and about CV experience
//! that matches a requirement.

use crate::domain::evaluation::{Criterion, JobBrief, PersonalQuestion, PersonalQuestionsRequest};
use crate::domain::posting::{Requirement, RequirementKind};
use crate::domain::text::{is_hangul, truncate};
use crate::domain::{Lang, Position};

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

/// A question about a requirement the CV does not show.
fn gap_question(requirement: &Requirement, title: &str, lang: Lang) -> PersonalQuestion {
    let name = requirement.name_in(lang);
    let (text, items) = match (requirement.kind, lang) {
        (RequirementKind::Experience, Lang::En) => (
            format!(
                "The \"{title}\" role asks for {name}, more than your CV shows. Which work on your CV shows the scope and judgment that level expects, and where would you still want support?"
            ),
            [
                (
                    "scope",
                    "Points to work of real scope: systems owned, people influenced, decisions made",
                ),
                (
                    "judgment",
                    "Shows judgment such a role expects, with a concrete trade-off they made",
                ),
                (
                    "self-awareness",
                    "Names honestly where they would need support, and how they would close the gap",
                ),
            ],
        ),
        (RequirementKind::Experience, Lang::Ko) => (
            format!(
                "\"{title}\" 포지션은 {name}을(를) 요구하는데, 이력서에는 그보다 짧은 경력이 보입니다. 그 수준에 맞는 범위와 판단력을 보여주는 경험은 무엇이며, 어떤 부분에서 도움이 필요할까요?"
            ),
            [
                (
                    "범위",
                    "직접 맡은 시스템, 영향을 준 사람, 내린 결정 등 실제 범위가 있는 경험을 제시한다",
                ),
                (
                    "판단력",
                    "직접 내린 구체적인 트레이드오프로 그 수준의 판단력을 보여준다",
                ),
                (
                    "자기 인식",
                    "도움이 필요한 부분과 그 차이를 좁힐 방법을 솔직하게 말한다",
                ),
            ],
        ),
        (RequirementKind::Domain, Lang::En) => (
            format!(
                "The \"{title}\" role works in {name}, which your CV does not show. What technical challenges do you expect in {name}, and which of your experience carries over?"
            ),
            [
                (
                    "domain insight",
                    "Names technical challenges specific to the domain, such as its data, rules or failure costs",
                ),
                (
                    "transfer",
                    "Connects their own experience to those challenges without overstating it",
                ),
                (
                    "learning plan",
                    "Says concretely how they would learn the domain in their first months",
                ),
            ],
        ),
        (RequirementKind::Domain, Lang::Ko) => (
            format!(
                "\"{title}\" 포지션은 {name} 분야인데, 이력서에서는 해당 경험이 보이지 않습니다. {name} 분야에서 어떤 기술적 어려움이 있을 것으로 보고, 본인의 어떤 경험이 도움이 될까요?"
            ),
            [
                (
                    "도메인 이해",
                    "그 분야의 데이터, 규칙, 장애 비용 같은 고유한 기술적 어려움을 짚는다",
                ),
                (
                    "경험 연결",
                    "본인의 경험을 과장하지 않고 그 어려움과 연결한다",
                ),
                (
                    "학습 계획",
                    "입사 후 몇 달 동안 도메인을 익힐 방법을 구체적으로 말한다",
                ),
            ],
        ),
        (RequirementKind::Skill, Lang::En) => (
            format!(
                "The \"{title}\" role asks for {name}, which your CV does not show. What have you done that comes closest, and how would you get productive with {name} in your first months?"
            ),
            [
                (
                    "transfer",
                    "Connects related experience to the requirement honestly, without claiming what they have not done",
                ),
                (
                    "plan",
                    "Gives a concrete plan to learn it: a first task, resources, how they would check progress",
                ),
                (
                    "risk",
                    "Names what could go wrong while new to it and how they would limit that",
                ),
            ],
        ),
        (RequirementKind::Skill, Lang::Ko) => (
            format!(
                "\"{title}\" 포지션은 {name} 역량을 요구하는데, 이력서에서는 드러나지 않습니다. 가장 가까운 경험은 무엇이며, 입사 후 몇 달 안에 {name}을(를) 어떻게 익히겠습니까?"
            ),
            [
                (
                    "경험 연결",
                    "해 보지 않은 것을 주장하지 않고 관련 경험을 요구 역량과 연결한다",
                ),
                (
                    "계획",
                    "첫 과제, 학습 자료, 진척 확인 방법 등 구체적인 학습 계획을 제시한다",
                ),
                (
                    "위험 관리",
                    "익숙하지 않은 동안 생길 수 있는 문제와 그것을 줄일 방법을 말한다",
                ),
            ],
        ),
    };
    PersonalQuestion {
        text,
        criteria: criteria(items),
        requirement: Some(requirement.id.clone()),
    }
}

/// A question about CV experience that matches a requirement.
fn match_question(requirement: &Requirement, title: &str, lang: Lang) -> PersonalQuestion {
    let name = requirement.name_in(lang);
    let (text, items) = match lang {
        Lang::En => (
            format!(
                "The \"{title}\" role needs {name}, and your CV shows it. Describe the most demanding work you did that draws on it: the constraints, your decisions and what you would change now."
            ),
            [
                (
                    "depth",
                    "Shows command of the requirement beyond naming it, with specifics",
                ),
                (
                    "decisions",
                    "Explains the decisions they made and the alternatives they weighed",
                ),
                (
                    "impact",
                    "Gives a concrete outcome and a reflection on what they would change",
                ),
            ],
        ),
        Lang::Ko => (
            format!(
                "\"{title}\" 포지션에는 {name}이(가) 필요하고, 이력서에 관련 경험이 있습니다. 그 경험 중 가장 까다로웠던 일을 제약 조건, 본인의 결정, 지금이라면 바꿀 점 순서로 설명해 주세요."
            ),
            [
                (
                    "깊이",
                    "이름만 언급하는 수준을 넘어 구체적인 내용으로 역량을 보여준다",
                ),
                ("결정", "본인이 내린 결정과 검토한 대안을 설명한다"),
                ("성과", "구체적인 결과와 지금이라면 바꿀 점을 말한다"),
            ],
        ),
    };
    PersonalQuestion {
        text,
        criteria: criteria(items),
        requirement: Some(requirement.id.clone()),
    }
}

/// The questions a job posting asks for: its gaps first, then its matches, as its plan says.
fn job_questions(job: &JobBrief, count: usize, lang: Lang) -> Vec<PersonalQuestion> {
    let (gaps, matches) = job.target.question_plan(count);
    let title = truncate(&job.target.title, 80);
    let target = &job.target;
    target
        .gaps()
        .take(gaps)
        .map(|r| gap_question(r, &title, lang))
        .chain(
            target
                .matches()
                .take(matches)
                .map(|r| match_question(r, &title, lang)),
        )
        .collect()
}

pub(super) fn write(request: &PersonalQuestionsRequest) -> Vec<PersonalQuestion> {
    let facts = cv_facts(&request.cv_text);
    let lang = request.lang;
    let role = role(request.position, lang);
    let mut questions = match &request.job {
        Some(job) => job_questions(job, request.count, lang),
        None => Vec::new(),
    };
    let from_cv_start = questions.len();
    for achievement in facts.achievements.iter().take(2) {
        let quoted = truncate(achievement, 140);
        questions.push(match (lang, questions.len() - from_cv_start) {
            (Lang::En, 0) => PersonalQuestion {
                requirement: None,
                text: format!("Your CV says: \"{quoted}\". What exactly was your part, which alternatives did you weigh, and how did you measure the result?"),
                criteria: criteria([("ownership", "Names the decisions and work the candidate personally did, not only the team"), ("trade-offs", "Explains the alternatives considered and why the chosen approach won"), ("impact", "Gives a measurable outcome such as latency, cost, users or incidents")]),
            },
            (Lang::En, _) => PersonalQuestion {
                requirement: None,
                text: format!("About \"{quoted}\": what was the hardest technical problem along the way, and how did you solve it?"),
                criteria: criteria([("problem", "Describes a specific technical obstacle with enough detail to judge it"), ("approach", "Explains the debugging or design steps taken and the reasoning behind them"), ("lesson", "States what they learned or would do differently next time")]),
            },
            (Lang::Ko, 0) => PersonalQuestion {
                requirement: None,
                text: format!("이력서에 \"{quoted}\"라고 적혀 있습니다. 본인이 맡은 부분은 무엇이었고, 어떤 대안을 검토했으며, 결과는 어떻게 측정했나요?"),
                criteria: criteria([("주도성", "팀 전체가 아닌 본인이 직접 내린 결정과 수행한 작업을 구체적으로 설명한다"), ("트레이드오프", "검토한 대안과 최종 방식을 선택한 이유를 설명한다"), ("성과", "지연 시간, 비용, 사용자 수, 장애 건수 같은 측정 가능한 결과를 제시한다")]),
            },
            (Lang::Ko, _) => PersonalQuestion {
                requirement: None,
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
                requirement: None,
                text: format!("You list {skills}. Tell me about a production problem you diagnosed where {first} was involved: the symptoms, the root cause and the fix."),
                criteria: criteria([("diagnosis", "Walks from symptoms to root cause with concrete evidence such as metrics, logs or traces"), ("depth", "Shows understanding of how the technology works internally, beyond its API"), ("prevention", "Describes what was changed so the problem would not come back")]),
            },
            Lang::Ko => PersonalQuestion {
                requirement: None,
                text: format!("이력서에 {skills}을(를) 적으셨습니다. {first}와 관련된 운영 장애를 진단했던 경험을 증상, 근본 원인, 해결 방법 순서로 말씀해 주세요."),
                criteria: criteria([("진단", "메트릭, 로그, 트레이스 같은 근거로 증상에서 근본 원인까지 설명한다"), ("깊이", "API 사용을 넘어 기술의 내부 동작을 이해하고 있음을 보여준다"), ("재발 방지", "같은 문제가 다시 생기지 않도록 바꾼 점을 설명한다")]),
            },
        });
    }
    if let Some(employer) = facts.employers.first() {
        questions.push(match lang {
            Lang::En => PersonalQuestion {
                requirement: None,
                text: format!("At {employer}, what was the most important engineering decision you influenced, and how would you approach it today as a {role}?"),
                criteria: criteria([("context", "Explains the business and technical context of the decision at that company"), ("influence", "Shows how the candidate shaped the decision, with other people involved"), ("reflection", "Evaluates the decision in hindsight with a concrete change they would make")]),
            },
            Lang::Ko => PersonalQuestion {
                requirement: None,
                text: format!("{employer}에서 본인이 영향을 준 가장 중요한 기술적 의사결정은 무엇이었고, 지금 {role}로서 다시 한다면 어떻게 접근하겠습니까?"),
                criteria: criteria([("맥락", "해당 회사에서 그 결정이 필요했던 비즈니스·기술적 맥락을 설명한다"), ("영향력", "다른 사람들과 함께 본인이 결정에 어떻게 기여했는지 보여준다"), ("회고", "지금 돌아봤을 때 바꿀 점을 구체적으로 평가한다")]),
            },
        });
    }
    let fallbacks = match lang {
        Lang::En => vec![
            PersonalQuestion {
                requirement: None,
                text: format!("Which project on your CV best prepares you for a {role} role, and what would you build differently if you started it again?"),
                criteria: criteria([("relevance", "Connects the project's work to what the role needs"), ("specifics", "Describes architecture, scale or constraints concretely"), ("growth", "Names a concrete improvement that shows learning since then")]),
            },
            PersonalQuestion {
                requirement: None,
                text: "Tell me about a time your work on a project in your CV was blocked by another team or system. How did you get it moving?".into(),
                criteria: criteria([("collaboration", "Works with the other team rather than around it"), ("initiative", "Takes concrete steps to unblock instead of waiting"), ("outcome", "States how and when the work got unblocked")]),
            },
            PersonalQuestion {
                requirement: None,
                text: "What is a technical skill you had to learn quickly for a job on your CV, and how did you get productive with it?".into(),
                criteria: criteria([("learning", "Describes a deliberate method for learning the skill"), ("application", "Shows the skill applied to real work soon after"), ("self-awareness", "Is honest about mistakes made while learning")]),
            },
            PersonalQuestion {
                requirement: None,
                text: "Describe the system you know best from your CV: its main components, where it was fragile, and how you made it more reliable.".into(),
                criteria: criteria([("architecture", "Names the components and how data flows between them"), ("weak spots", "Identifies real failure modes or bottlenecks"), ("reliability", "Describes concrete changes that improved reliability")]),
            },
        ],
        Lang::Ko => vec![
            PersonalQuestion {
                requirement: None,
                text: format!("이력서의 프로젝트 중 {role} 역할에 가장 도움이 되는 것은 무엇이며, 다시 시작한다면 무엇을 다르게 만들겠습니까?"),
                criteria: criteria([("연관성", "프로젝트 경험을 해당 역할에 필요한 역량과 연결한다"), ("구체성", "아키텍처, 규모, 제약 조건을 구체적으로 설명한다"), ("성장", "그 이후의 배움을 보여주는 구체적인 개선점을 말한다")]),
            },
            PersonalQuestion {
                requirement: None,
                text: "이력서의 프로젝트에서 다른 팀이나 시스템 때문에 일이 막혔던 경험과, 그것을 어떻게 풀어냈는지 말씀해 주세요.".into(),
                criteria: criteria([("협업", "상대 팀을 우회하지 않고 함께 문제를 푼다"), ("주도성", "기다리지 않고 막힌 일을 풀기 위해 구체적으로 행동한다"), ("결과", "언제, 어떻게 문제가 해결되었는지 말한다")]),
            },
            PersonalQuestion {
                requirement: None,
                text: "이력서의 업무를 위해 빠르게 익혀야 했던 기술은 무엇이었고, 어떻게 빠르게 생산성을 냈나요?".into(),
                criteria: criteria([("학습", "기술을 익히기 위한 의도적인 방법을 설명한다"), ("적용", "배운 기술을 곧바로 실제 업무에 적용한 사례를 보여준다"), ("자기 인식", "배우는 과정의 실수를 솔직하게 이야기한다")]),
            },
            PersonalQuestion {
                requirement: None,
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
}
