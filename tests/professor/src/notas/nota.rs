//! A nota de um aluno: o que aconteceu com cada teste, os pontos de cada
//! exercício e o resumo de uma linha que o professor lê no terminal.

/// O que aconteceu com um teste.
#[derive(Debug, Clone, PartialEq)]
pub enum TestOutcome {
    /// Passou.
    Passed,
    /// Falhou, passou ao repetir: conta, e fica marcado como instável.
    Flaky,
    /// Falhou (com a mensagem do teste).
    Failed(String),
    /// O exercício passou do tempo-limite antes de este teste terminar.
    TimedOut,
    /// O programa de teste saiu antes de o harness relatar este teste.
    DidNotFinish,
}

impl TestOutcome {
    /// Conta pontos?
    pub fn counts(&self) -> bool {
        matches!(self, TestOutcome::Passed | TestOutcome::Flaky)
    }
}

/// A nota de um exercício.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseGrade {
    /// Os pontos.
    pub points: f64,
    /// Cada teste esperado e o que aconteceu com ele.
    pub tests: Vec<(String, TestOutcome)>,
    /// Por que nenhum teste rodou (não compila, por exemplo).
    pub note: Option<String>,
}

/// A nota de um aluno.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// O nome da pasta da entrega.
    pub student: String,
    /// Um por exercício, na ordem dos exercícios.
    pub exercises: Vec<ExerciseGrade>,
    /// Observações gerais (um programa que não compila, por exemplo).
    pub notes: Vec<String>,
    /// O que a entrega tinha e não foi usado.
    pub ignored: Vec<String>,
    /// Os erros do compilador, inteiros (para a devolutiva do aluno).
    pub compile_log: Vec<String>,
    /// Quanto levou cada passo (para quem mede a correção).
    pub timings: String,
}

impl Grade {
    /// Uma nota zero, com o motivo.
    pub fn zero(student: &str, count: usize, why: String) -> Grade {
        Grade {
            student: student.to_string(),
            exercises: vec![
                ExerciseGrade {
                    points: 0.0,
                    tests: Vec::new(),
                    note: None,
                };
                count
            ],
            notes: vec![why],
            ignored: Vec::new(),
            compile_log: Vec::new(),
            timings: String::new(),
        }
    }

    /// Os pontos de cada exercício.
    pub fn points(&self) -> Vec<f64> {
        self.exercises.iter().map(|e| e.points).collect()
    }

    /// A soma dos pontos.
    pub fn total(&self) -> f64 {
        super::pontos::round2(self.points().iter().sum())
    }

    /// Uma linha para a tabela: o que deu errado, exercício por exercício.
    pub fn summary(&self) -> String {
        let mut parts = self.notes.clone();
        for (index, exercise) in self.exercises.iter().enumerate() {
            let label = format!("ex{:02}", index + 1);
            if let Some(note) = &exercise.note {
                parts.push(format!("{label}: {note}"));
                continue;
            }
            let total = exercise.tests.len();
            let passed = exercise.tests.iter().filter(|(_, o)| o.counts()).count();
            let has = |wanted: &TestOutcome| exercise.tests.iter().any(|(_, o)| o == wanted);
            let mut extra: Vec<String> = Vec::new();
            if has(&TestOutcome::TimedOut) {
                extra.push("tempo-limite".into());
            }
            if has(&TestOutcome::DidNotFinish) {
                extra.push("os testes não rodaram até o fim".into());
            }
            if has(&TestOutcome::Flaky) {
                extra.push("instável".into());
            }
            let failed: Vec<&str> = exercise
                .tests
                .iter()
                .filter(|(_, o)| matches!(o, TestOutcome::Failed(_)))
                .map(|(n, _)| n.as_str())
                .collect();
            // Os nomes só quando são poucos: a lista completa, com as
            // mensagens, é para a devolutiva do aluno, não para a tabela.
            if !failed.is_empty() && failed.len() <= 2 && passed > 0 {
                extra.insert(0, format!("falhou {}", failed.join(" ")));
            }
            if passed < total || !extra.is_empty() {
                parts.push(format!(
                    "{label}: {passed}/{total} testes{}",
                    if extra.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", extra.join("; "))
                    }
                ));
            }
        }
        if !self.ignored.is_empty() {
            let shown: Vec<&str> = self
                .ignored
                .iter()
                .take(3)
                .map(|i| i.split(" (").next().unwrap_or(i))
                .collect();
            let more = self.ignored.len().saturating_sub(shown.len());
            parts.push(format!(
                "ignorados: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" e mais {more}")
                } else {
                    String::new()
                }
            ));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{grade_for, not_run, ran};
    use super::*;

    #[test]
    fn resumo_diz_o_que_faltou() {
        let grade = Grade {
            notes: vec!["udp-echo não compila: error (x.rs:1:1)".into()],
            ignored: vec!["Cargo.toml (alterado; só o do kit vale)".into()],
            ..grade_for(
                "ana",
                vec![
                    ran(10.0, &[("a", TestOutcome::Passed)]),
                    ran(
                        5.0,
                        &[
                            ("a", TestOutcome::Flaky),
                            ("b", TestOutcome::Failed("x".into())),
                            ("c", TestOutcome::TimedOut),
                        ],
                    ),
                    not_run("udp-echo não compila"),
                ],
            )
        };
        assert_eq!(grade.total(), 15.0);
        assert_eq!(
            grade.summary(),
            "udp-echo não compila: error (x.rs:1:1); \
             ex02: 1/3 testes (falhou b; tempo-limite; instável); \
             ex03: udp-echo não compila; \
             ignorados: Cargo.toml"
        );
    }
}
