//! A correção de uma turma: roda os testes de cada exercício em cada entrega.
//!
//! Cada entrega é uma pasta (o nome da pasta é o nome do aluno) com o
//! workspace do kit, modificado pelo aluno. Para cada uma:
//!
//! 1. copia a entrega para uma pasta de trabalho, **trocando `tests/`, o
//!    `Cargo.toml` da raiz e o `Cargo.lock` pelos do professor**: o aluno não
//!    consegue mudar os testes que o corrigem;
//! 2. roda `cargo test --offline -p avaliacao --test exercicio_NN ...`, com um
//!    tempo-limite por entrega e uma pasta `target` compartilhada entre todas
//!    (as dependências compilam uma vez só);
//! 3. dá os pontos de cada exercício cujos testes passaram.
//!
//! Atenção: isso **roda o código dos alunos**. Veja no livro (página do
//! professor) como isolar a correção.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Um exercício: o nome do teste (`exercicio_01`) e quantos pontos vale.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// O nome do arquivo de teste, sem `.rs`.
    pub test: String,
    /// Os pontos.
    pub points: f64,
}

/// A nota de um aluno.
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// O nome da pasta da entrega.
    pub student: String,
    /// Pontos por exercício, na ordem dos exercícios.
    pub points: Vec<f64>,
    /// O que deu errado, em uma linha (vazio se nada).
    pub notes: String,
}

impl Grade {
    /// A soma dos pontos.
    pub fn total(&self) -> f64 {
        self.points.iter().sum()
    }
}

/// Os exercícios do workspace de referência (`tests/tests/exercicio_*.rs`),
/// com os pontos de `points_file` (linhas `exercicio_01 10`; `#` comenta) ou
/// 10 pontos cada.
pub fn exercises(reference: &Path, points_file: Option<&Path>) -> Result<Vec<Exercise>, String> {
    let dir = reference.join("tests/tests");
    let mut tests: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let test = name.strip_suffix(".rs")?;
            test.starts_with("exercicio_").then(|| test.to_string())
        })
        .collect();
    tests.sort();
    let mut points: BTreeMap<String, f64> = BTreeMap::new();
    let file = points_file
        .map(Path::to_path_buf)
        .unwrap_or_else(|| reference.join("tests/pontos.txt"));
    if let Ok(text) = fs::read_to_string(&file) {
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
                return Err(format!(
                    "{}:{}: esperava `exercicio_NN pontos`",
                    file.display(),
                    number + 1
                ));
            };
            let value: f64 = value.replace(',', ".").parse().map_err(|_| {
                format!(
                    "{}:{}: pontos inválidos: {value}",
                    file.display(),
                    number + 1
                )
            })?;
            points.insert(name.to_string(), value);
        }
    } else if points_file.is_some() {
        return Err(format!("não foi possível ler {}", file.display()));
    }
    Ok(tests
        .into_iter()
        .map(|test| Exercise {
            points: points.get(&test).copied().unwrap_or(10.0),
            test,
        })
        .collect())
}

/// Corrige uma entrega. `work` é a pasta de trabalho (apagada e refeita),
/// `target` a pasta de compilação compartilhada.
pub fn grade(
    reference: &Path,
    submission: &Path,
    exercises: &[Exercise],
    work: &Path,
    target: &Path,
    limit: Duration,
) -> Grade {
    let student = submission
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let zero = |notes: String| Grade {
        student: student.clone(),
        points: vec![0.0; exercises.len()],
        notes,
    };
    let missing: Vec<&str> = ["common/src", "udp-echo/src", "tcp-echo/src"]
        .into_iter()
        .filter(|dir| !submission.join(dir).is_dir())
        .collect();
    if !missing.is_empty() {
        return zero(format!("faltam pastas: {}", missing.join(", ")));
    }
    if let Err(err) = prepare(reference, submission, work) {
        return zero(format!("não foi possível copiar a entrega: {err}"));
    }
    let deadline = Instant::now() + limit;
    // Primeiro os programas (`udp-echo`, `tcp-echo`): se um deles não
    // compila, os exercícios que só usam a biblioteca ainda valem, e a
    // observação diz o porquê dos outros.
    let mut notes = Vec::new();
    let mut bins = cargo(work, target);
    bins.args(["build", "--bins", "-p", "udp-echo", "-p", "tcp-echo"]);
    match run_with_limit(bins, deadline) {
        Err(err) => return zero(format!("não foi possível rodar o cargo: {err}")),
        Ok(Outcome::TimedOut) => return zero("a compilação passou do tempo-limite".into()),
        Ok(Outcome::Finished(false, output)) => notes.push(compile_error(&output)),
        Ok(Outcome::Finished(true, _)) => {}
    }
    // Depois os testes (sem eles, nada pode rodar)...
    let mut build = cargo(work, target);
    build.args(["test", "--no-run", "-p", "avaliacao"]);
    for exercise in exercises {
        build.args(["--test", &exercise.test]);
    }
    match run_with_limit(build, deadline) {
        Err(err) => return zero(format!("não foi possível rodar o cargo: {err}")),
        Ok(Outcome::TimedOut) => return zero("a compilação passou do tempo-limite".into()),
        Ok(Outcome::Finished(false, output)) => return zero(compile_error(&output)),
        Ok(Outcome::Finished(true, _)) => {}
    }
    // ...depois roda os testes de cada exercício, um por vez.
    let mut points = Vec::new();
    let mut failed = Vec::new();
    for exercise in exercises {
        let mut test = cargo(work, target);
        test.args(["test", "-p", "avaliacao", "--test", &exercise.test]);
        match run_with_limit(test, deadline) {
            Ok(Outcome::Finished(true, _)) => points.push(exercise.points),
            Ok(Outcome::TimedOut) => {
                points.push(0.0);
                failed.push(format!("{} (tempo-limite)", exercise.test));
            }
            _ => {
                points.push(0.0);
                failed.push(exercise.test.clone());
            }
        }
    }
    if !failed.is_empty() {
        notes.push(format!("falhou: {}", failed.join(" ")));
    }
    Grade {
        student,
        points,
        notes: notes.join("; "),
    }
}

/// "não compila: " e o primeiro erro do compilador, com o lugar dele.
fn compile_error(output: &str) -> String {
    let mut lines = output.lines();
    let error = lines
        .find(|l| l.starts_with("error"))
        .unwrap_or("erro de compilação");
    let place = lines
        .next()
        .and_then(|l| l.trim().strip_prefix("--> "))
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    format!("não compila: {error}{place}")
}

/// Um `cargo` que roda em `work`, sem rede, com a pasta de compilação `target`.
fn cargo(work: &Path, target: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .arg("--offline")
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        // Sem informação de depuração: compila e liga mais rápido, e a
        // correção não precisa dela.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env_remove("RUSTFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Como terminou um comando com tempo-limite.
enum Outcome {
    /// Terminou: deu certo?, e a saída (stdout e stderr juntas).
    Finished(bool, String),
    /// Passou do tempo e foi morto.
    TimedOut,
}

/// Copia a entrega para `work` e põe por cima os testes do professor.
fn prepare(reference: &Path, submission: &Path, work: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(work);
    for relative in crate::kit::files(submission)? {
        if relative.starts_with("tests") {
            continue;
        }
        copy(&submission.join(&relative), &work.join(&relative))?;
    }
    for relative in crate::kit::files(reference)? {
        let from_reference = relative.starts_with("tests")
            || relative == Path::new("Cargo.toml")
            || relative == Path::new("Cargo.lock");
        if from_reference {
            copy(&reference.join(&relative), &work.join(&relative))?;
        }
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("{}: {e}", from.display()))
}

/// Roda o comando e junta stdout e stderr; mata tudo se passar de `deadline`.
fn run_with_limit(mut command: Command, deadline: Instant) -> std::io::Result<Outcome> {
    #[cfg(unix)]
    {
        // Um grupo de processos próprio, para matar também os servidores
        // que os testes sobem, se o tempo acabar.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn()?;
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    loop {
        if let Some(status) = child.try_wait()? {
            let mut text = out.join().unwrap_or_default();
            text.push_str(&err.join().unwrap_or_default());
            return Ok(Outcome::Finished(status.success(), text));
        }
        if Instant::now() >= deadline {
            #[cfg(unix)]
            {
                // O grupo inteiro (o cargo, os testes e os servidores que eles
                // subiram). Direto pelo sistema, sem o comando `kill`: o do
                // procps lê mal um "-PGID" e pode mandar o sinal para -1,
                // isto é, para todos os processos do usuário.
                if let Some(group) = libc::pid_t::try_from(child.id()).ok().filter(|g| *g > 1) {
                    // SAFETY: killpg só manda um sinal; `group` é o grupo que
                    // criamos com process_group(0) para este filho.
                    unsafe {
                        libc::killpg(group, libc::SIGKILL);
                    }
                }
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Outcome::TimedOut);
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// As entregas de `folder`: as subpastas, em ordem, sem as ocultas.
pub fn submissions(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// A tabela em CSV: aluno, um campo por exercício, observações, total.
pub fn csv(exercises: &[Exercise], grades: &[Grade]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut out = String::from("aluno");
    for exercise in exercises {
        out.push(',');
        out.push_str(&exercise.test);
    }
    out.push_str(",observacoes,total\n");
    for grade in grades {
        out.push_str(&quote(&grade.student));
        for points in &grade.points {
            out.push_str(&format!(",{points}"));
        }
        out.push_str(&format!(",{},{}\n", quote(&grade.notes), grade.total()));
    }
    out
}

/// A tabela para o terminal.
pub fn table(exercises: &[Exercise], grades: &[Grade]) -> String {
    let width = grades
        .iter()
        .map(|g| g.student.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<width$}", "aluno");
    for (i, _) in exercises.iter().enumerate() {
        out.push_str(&format!(" {:>5}", format!("ex{:02}", i + 1)));
    }
    out.push_str("  total\n");
    for grade in grades {
        out.push_str(&format!("{:<width$}", grade.student));
        for points in &grade.points {
            out.push_str(&format!(" {points:>5}"));
        }
        out.push_str(&format!("  {:>5}", grade.total()));
        if !grade.notes.is_empty() {
            out.push_str(&format!("  ({})", grade.notes));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn tempo_limite_mata_o_grupo_e_so_ele() {
        // Um "cargo" que não termina e deixa um filho pendurado.
        let mut command = Command::new("sh");
        command
            .args(["-c", "sleep 30 & sleep 30"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let started = Instant::now();
        let outcome = run_with_limit(command, Instant::now() + Duration::from_millis(300)).unwrap();
        assert!(matches!(outcome, Outcome::TimedOut));
        // Os dois `sleep` morreram: os canais de saída fecharam logo.
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn erro_de_compilacao_com_o_lugar() {
        let output = "   Compiling udp-echo v0.1.0\nerror: expected `;`, found `erro`\n  --> udp-echo/src/server.rs:58:46\n   |\n";
        assert_eq!(
            compile_error(output),
            "não compila: error: expected `;`, found `erro` (udp-echo/src/server.rs:58:46)"
        );
        assert_eq!(compile_error(""), "não compila: erro de compilação");
    }

    #[test]
    fn csv_com_total_na_ultima_coluna() {
        let exercises = vec![
            Exercise {
                test: "exercicio_01".into(),
                points: 10.0,
            },
            Exercise {
                test: "exercicio_02".into(),
                points: 5.0,
            },
        ];
        let grades = vec![Grade {
            student: "ana".into(),
            points: vec![10.0, 0.0],
            notes: "falhou: exercicio_02".into(),
        }];
        assert_eq!(
            csv(&exercises, &grades),
            "aluno,exercicio_01,exercicio_02,observacoes,total\n\"ana\",10,0,\"falhou: exercicio_02\",10\n"
        );
    }
}
