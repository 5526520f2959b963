//! A turma inteira: as entregas corrigidas em paralelo, cada nota guardada
//! (para corrigir de novo um aluno só) e a tabela escrita.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use super::{ExerciseGrade, Grade, Grader, TestOutcome};

/// Onde a tabela é escrita enquanto a turma é corrigida.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    /// A pasta da turma (`notas.csv` e `devolutiva/` vão nela).
    pub folder: &'a Path,
    /// Todas as entregas da turma (as que entram na tabela).
    pub everyone: &'a [(String, PathBuf)],
    /// O formato do CSV e quem é cada chave.
    pub sheet: &'a super::Sheet,
}

/// Corrige `submissions` com `parallel` entregas ao mesmo tempo; cada nota
/// pronta é guardada, anunciada por `progress` e já entra no CSV e na
/// devolutiva (uma correção interrompida deixa a tabela do que já foi).
/// Devolve o caminho do `notas.csv`: este é o único lugar que o escreve.
pub fn grade_all(
    grader: &Grader,
    submissions: &[(String, PathBuf)],
    parallel: usize,
    progress: &(dyn Fn(&str) + Sync),
    output: Output,
) -> Result<PathBuf, String> {
    let folder = grader.results_folder();
    fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    // As notas velhas de quem vai ser corrigido agora saem: a tabela só
    // mostra o que esta correção já fez (e o que outras fizeram de quem
    // não está nela, com --aluno).
    for (student, _) in submissions {
        let _ = fs::remove_file(folder.join(record_name(student)));
    }
    let mut csv = write_so_far(grader, output)?;
    let next = AtomicUsize::new(0);
    let full: f64 = grader.exercises.iter().map(|e| e.points).sum();
    let (done_tx, done_rx) = mpsc::channel::<(usize, Grade, u64)>();
    let work_on = |done_tx: mpsc::Sender<(usize, Grade, u64)>| {
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            let Some((student, submission)) = submissions.get(index) else {
                break;
            };
            let started = Instant::now();
            let grade = grader.grade(student, submission);
            let _ = done_tx.send((index, grade, started.elapsed().as_secs()));
        }
    };
    std::thread::scope(|scope| {
        // Sem conseguir criar uma thread (a máquina no limite), a correção
        // não para: corrige nesta mesma, uma entrega de cada vez.
        let work_on = &work_on;
        let mut started = 0;
        for _ in 0..parallel.max(1) {
            let done_tx = done_tx.clone();
            if std::thread::Builder::new()
                .spawn_scoped(scope, move || work_on(done_tx))
                .is_ok()
            {
                started += 1;
            }
        }
        if started == 0 {
            progress("aviso: não foi possível criar threads; corrigindo uma entrega de cada vez");
            work_on(done_tx.clone());
        }
        drop(done_tx);
        for (count, (index, grade, seconds)) in done_rx.iter().enumerate() {
            let _ = index;
            let path = folder.join(record_name(&grade.student));
            if let Err(err) = fs::write(&path, to_record(&grade)) {
                progress(&format!(
                    "aviso: não foi possível guardar {}: {err}",
                    path.display()
                ));
            }
            match write_so_far(grader, output) {
                Ok(written) => csv = written,
                Err(err) => progress(&format!("aviso: {err}")),
            }
            let summary = grade.summary();
            progress(&format!(
                "[{}/{}] {}: {} de {} pontos ({seconds} s){}",
                count + 1,
                submissions.len(),
                grade.student,
                super::tabela::number(grade.total()),
                super::tabela::number(full),
                if summary.is_empty() {
                    String::new()
                } else {
                    format!(" — {summary}")
                }
            ));
        }
    });
    Ok(csv)
}

/// O CSV e as devolutivas com as notas guardadas até agora.
fn write_so_far(grader: &Grader, output: Output) -> Result<PathBuf, String> {
    let folder = grader.results_folder();
    let grades: Vec<Grade> = output
        .everyone
        .iter()
        .filter_map(|(student, _)| {
            let text = fs::read_to_string(folder.join(record_name(student))).ok()?;
            from_record(&text, grader.exercises.len())
        })
        .collect();
    write_reports(output.folder, grader, &grades, output.sheet)
}

/// As notas guardadas das entregas `submissions`, na ordem delas. Uma
/// entrega sem nota guardada é erro (corrija a turma inteira antes).
pub fn load_all(grader: &Grader, submissions: &[(String, PathBuf)]) -> Result<Vec<Grade>, String> {
    let folder = grader.results_folder();
    submissions
        .iter()
        .map(|(student, _)| {
            let path = folder.join(record_name(student));
            let text = fs::read_to_string(&path).map_err(|_| {
                format!("{student} ainda não foi corrigido: corrija a turma inteira (sem --aluno)")
            })?;
            from_record(&text, grader.exercises.len()).ok_or_else(|| {
                format!(
                    "a nota guardada de {student} é de outra versão dos exercícios: \
                     corrija a turma inteira (sem --aluno)"
                )
            })
        })
        .collect()
}

fn record_name(student: &str) -> String {
    format!("{}.tsv", super::cell_name(student))
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// A nota em texto (uma linha por fato, campos separados por tab).
pub fn to_record(grade: &Grade) -> String {
    let mut out = format!("aluno\t{}\n", escape(&grade.student));
    for exercise in &grade.exercises {
        out.push_str(&format!(
            "exercicio\t{}\t{}\n",
            exercise.points,
            escape(exercise.note.as_deref().unwrap_or(""))
        ));
        for (name, outcome) in &exercise.tests {
            let (kind, message) = match outcome {
                TestOutcome::Passed => ("passou", ""),
                TestOutcome::Flaky => ("instavel", ""),
                TestOutcome::Failed(message) => ("falhou", message.as_str()),
                TestOutcome::TimedOut => ("tempo-limite", ""),
                TestOutcome::DidNotFinish => ("nao-terminou", ""),
            };
            out.push_str(&format!(
                "teste\t{}\t{kind}\t{}\n",
                escape(name),
                escape(message)
            ));
        }
    }
    for note in &grade.notes {
        out.push_str(&format!("obs\t{}\n", escape(note)));
    }
    for ignored in &grade.ignored {
        out.push_str(&format!("ignorado\t{}\n", escape(ignored)));
    }
    for log in &grade.compile_log {
        out.push_str(&format!("compilacao\t{}\n", escape(log)));
    }
    if !grade.timings.is_empty() {
        out.push_str(&format!("tempos\t{}\n", escape(&grade.timings)));
    }
    out
}

/// Lê de volta o que [`to_record`] escreveu; `None` se não tem `count`
/// exercícios ou está estragado.
pub fn from_record(text: &str, count: usize) -> Option<Grade> {
    let mut grade = Grade {
        student: String::new(),
        exercises: Vec::new(),
        notes: Vec::new(),
        ignored: Vec::new(),
        compile_log: Vec::new(),
        timings: String::new(),
    };
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["aluno", name] => grade.student = unescape(name),
            ["exercicio", points, note] => grade.exercises.push(ExerciseGrade {
                points: points.parse().ok()?,
                tests: Vec::new(),
                note: (!note.is_empty()).then(|| unescape(note)),
            }),
            ["teste", name, kind, message] => {
                let outcome = match *kind {
                    "passou" => TestOutcome::Passed,
                    "instavel" => TestOutcome::Flaky,
                    "falhou" => TestOutcome::Failed(unescape(message)),
                    "tempo-limite" => TestOutcome::TimedOut,
                    "nao-terminou" => TestOutcome::DidNotFinish,
                    _ => return None,
                };
                grade
                    .exercises
                    .last_mut()?
                    .tests
                    .push((unescape(name), outcome));
            }
            ["obs", note] => grade.notes.push(unescape(note)),
            ["ignorado", what] => grade.ignored.push(unescape(what)),
            ["compilacao", log] => grade.compile_log.push(unescape(log)),
            ["tempos", text] => grade.timings = unescape(text),
            _ => return None,
        }
    }
    (grade.exercises.len() == count && !grade.student.is_empty()).then_some(grade)
}

/// Escreve `PASTA/notas.csv` e a devolutiva de cada aluno em
/// `PASTA/devolutiva/NOME.md`.
fn write_reports(
    folder: &Path,
    grader: &Grader,
    grades: &[Grade],
    sheet: &super::Sheet,
) -> Result<PathBuf, String> {
    let csv = folder.join("notas.csv");
    fs::write(&csv, super::csv(&grader.exercises, grades, sheet))
        .map_err(|e| format!("{}: {e}", csv.display()))?;
    let feedback = folder.join("devolutiva");
    fs::create_dir_all(&feedback).map_err(|e| format!("{}: {e}", feedback.display()))?;
    for grade in grades {
        let path = feedback.join(format!("{}.md", super::cell_name(&grade.student)));
        fs::write(&path, super::devolutiva::feedback(&grader.exercises, grade))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(csv)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{grade_for, not_run, ran};
    use super::*;

    #[test]
    fn nota_guardada_volta_igual() {
        let grade = Grade {
            notes: vec!["x".into()],
            ignored: vec!["Cargo.toml (alterado)".into()],
            compile_log: vec!["error: x\n  --> a.rs:1:1\n\nerror: y".into()],
            timings: "programas 1.0 s".into(),
            ..grade_for(
                "Ana\tSouza",
                vec![
                    ran(
                        3.33,
                        &[
                            ("a", TestOutcome::Passed),
                            ("b", TestOutcome::Failed("linha 1\nlinha\t2 \\n".into())),
                            ("c", TestOutcome::Flaky),
                            ("d", TestOutcome::TimedOut),
                            ("e", TestOutcome::DidNotFinish),
                        ],
                    ),
                    not_run("udp-echo não compila"),
                ],
            )
        };
        let text = to_record(&grade);
        assert_eq!(from_record(&text, 2), Some(grade));
        assert_eq!(from_record(&text, 3), None, "outra versão dos exercícios");
        assert_eq!(from_record("lixo\n", 0), None);
    }
}
