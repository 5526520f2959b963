//! A correção de uma turma: roda os testes do professor no código de cada
//! aluno, isolado, com limites, e dá pontos por teste.
//!
//! O caminho de uma entrega, um arquivo por passo:
//!
//! 1. [`entregas`]: acha as entregas (pastas, `.zip`, o que o Moodle baixa);
//! 2. [`selecao`]: tira da entrega só o código que o aluno edita; todo o
//!    resto (manifestos, `Cargo.lock`, `.cargo/`, `build.rs`, testes) vem
//!    do kit gerado da referência;
//! 3. [`corretor`]: compila a entrega e roda cada exercício na caixa de
//!    areia de [`isolamento`] (bubblewrap), com tempo-limite, tetos de
//!    memória e de processos ([`limites`]) e sem deixar processo vivo;
//!    [`compilacao`] lê o que o cargo disse (o que não compilou, e por quê);
//! 4. [`relatorio`]: lê o relatório do harness de testes (um teste só passa
//!    quando o harness diz, pelo nome) e confere que ele é mesmo do harness
//!    (o que não confere fica para "revisar à mão");
//! 5. [`pontos`]: divide os pontos de cada exercício entre os testes dele,
//!    e [`nota`] guarda o resultado de um aluno;
//! 6. [`turma`] corrige as entregas em paralelo e escreve, a cada nota, o
//!    `notas.csv` ([`tabela`]) e a devolutiva de cada aluno ([`devolutiva`]);
//!    [`planilha`] preenche a planilha do Moodle.
//!
//! Antes da primeira entrega, a correção monta uma base — o kit do aluno
//! gerado da referência (nunca a solução) — e a compila uma vez numa pasta
//! `semente`: as dependências (clap, socket2, ...) ficam prontas, e cada
//! entrega começa de uma cópia dela e só recompila o que o aluno mudou.

pub mod compilacao;
pub mod corretor;
pub mod devolutiva;
pub mod entregas;
pub mod isolamento;
pub mod limites;
pub mod nota;
pub mod planilha;
pub mod pontos;
pub mod relatorio;
pub mod selecao;
pub mod semelhanca;
pub mod tabela;
pub mod turma;

pub use compilacao::{compile_error, diagnostics, executables};
pub use corretor::{Grader, Limits, REVIEW, copy_tree};
pub use isolamento::Sandbox;
pub use nota::{ExerciseGrade, Grade, TestOutcome};
pub use pontos::{Exercise, exercises};
pub use tabela::{CsvStyle, Sheet, csv, table};

/// Quantos exercícios de uma entrega rodam ao mesmo tempo. Os testes passam
/// quase todo o tempo esperando (respostas, tempos-limite de propósito), e
/// cada exercício tem a sua caixa e o seu tempo-limite.
pub const EXERCISES_AT_ONCE: usize = 4;

/// Os programas que o aluno edita, na ordem em que dependem uns dos outros.
pub const CRATES: [&str; 3] = ["common", "udp-echo", "tcp-echo"];

/// Um nome de pasta seguro para o aluno (o nome da entrega pode ter
/// qualquer coisa).
pub(crate) fn cell_name(student: &str) -> String {
    student
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Notas e exercícios prontos para os testes do corretor: cada teste
/// escreve só o que muda.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Exercise, ExerciseGrade, Grade, TestOutcome};

    /// Um exercício que vale `points`, com o mesmo peso para todos os testes.
    pub fn exercise(test: &str, points: f64) -> Exercise {
        Exercise {
            test: test.into(),
            points,
            weights: Default::default(),
        }
    }

    /// Um exercício que rodou: os pontos e o que aconteceu com cada teste.
    pub fn ran(points: f64, tests: &[(&str, TestOutcome)]) -> ExerciseGrade {
        ExerciseGrade {
            points,
            tests: tests
                .iter()
                .map(|(name, outcome)| (name.to_string(), outcome.clone()))
                .collect(),
            note: None,
        }
    }

    /// Um exercício em que nenhum teste rodou, e por quê.
    pub fn not_run(note: &str) -> ExerciseGrade {
        ExerciseGrade {
            points: 0.0,
            tests: Vec::new(),
            note: Some(note.into()),
        }
    }

    /// A nota de `student`, com esses exercícios e nada mais.
    pub fn grade_for(student: &str, exercises: Vec<ExerciseGrade>) -> Grade {
        Grade {
            student: student.into(),
            exercises,
            notes: Vec::new(),
            ignored: Vec::new(),
            compile_log: Vec::new(),
            timings: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nome_de_pasta_seguro() {
        assert_eq!(cell_name("Ana Souza/../x"), "Ana_Souza____x");
        assert_eq!(cell_name("joão-1"), "joão-1");
    }
}
