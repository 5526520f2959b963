//! O corretor: monta e compila a base uma vez, e depois, para cada
//! entrega, copia a semente, compila o código do aluno na caixa e roda os
//! testes de cada exercício.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::compilacao::{
    compile_error, diagnostics, executables, failed_crates, tail, unsafe_error,
};
use super::devolutiva;
use super::isolamento::{self, Ending, Run, Sandbox};
use super::relatorio::{self, Status};
use super::{
    CRATES, EXERCISES_AT_ONCE, Exercise, ExerciseGrade, Grade, TestOutcome, cell_name, selecao,
};

/// Os limites da correção.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Tempo para compilar uma entrega (todos os passos juntos).
    pub build: Duration,
    /// Tempo para os testes de um exercício (a primeira rodada e as
    /// repetições juntas): um laço infinito custa um exercício, não todos.
    pub exercise: Duration,
}

/// O corretor de uma turma: a base compilada, os testes esperados, a caixa.
#[derive(Debug)]
pub struct Grader {
    /// Os exercícios, com os pontos.
    pub exercises: Vec<Exercise>,
    /// Os nomes dos testes de cada exercício (da base: o que deve rodar).
    pub expected: Vec<Vec<String>>,
    /// De qual programa (`udp-echo`...) é cada exercício, pelo número.
    owners: BTreeMap<u32, String>,
    sandbox: Sandbox,
    limits: Limits,
    /// A pasta de trabalho da correção (`PASTA/.avaliacao`).
    work: PathBuf,
    base: PathBuf,
    seed: PathBuf,
}

impl Grader {
    /// Monta a base (o kit gerado de `reference`) em `work` e a compila
    /// uma vez, na caixa; lê os nomes dos testes de cada exercício.
    pub fn prepare(
        reference: &Path,
        work: &Path,
        exercises: Vec<Exercise>,
        sandbox: Sandbox,
        limits: Limits,
        progress: &dyn Fn(&str),
    ) -> Result<Grader, String> {
        fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
        let base = work.join("base");
        let seed = work.join("semente");
        let stamp = stamp(reference)?;
        let stamp_file = work.join("base.carimbo");
        let regions = crate::kit::regions(reference)?;
        if fs::read_to_string(&stamp_file).ok().as_deref() != Some(stamp.as_str()) || !base.is_dir()
        {
            progress("montando a base (o kit do aluno gerado da referência)...");
            let _ = fs::remove_dir_all(&base);
            let _ = fs::remove_dir_all(&seed);
            crate::kit::make(reference, &base)?;
            fs::write(&stamp_file, &stamp).map_err(|e| e.to_string())?;
        }
        fs::create_dir_all(&seed).map_err(|e| e.to_string())?;
        let owners = regions
            .iter()
            .filter_map(|r| {
                let first = r.file.components().next()?;
                Some((r.exercise, first.as_os_str().to_string_lossy().into_owned()))
            })
            .collect();
        let mut grader = Grader {
            exercises,
            expected: Vec::new(),
            owners,
            sandbox,
            limits,
            work: work.to_path_buf(),
            base,
            seed,
        };
        progress("compilando a base uma vez (as dependências ficam prontas para todos)...");
        let deadline = Instant::now() + grader.limits.build * 4;
        let built = grader.cargo(
            &grader.base,
            &grader.seed,
            &grader.programs_args(),
            deadline,
        )?;
        if !built.success() {
            return Err(format!("a base não compila:\n{}", tail(&built.all(), 40)));
        }
        let tests = grader.cargo(&grader.base, &grader.seed, &grader.tests_args(), deadline)?;
        let executables = executables(&tests.all());
        if !tests.success() {
            return Err(format!(
                "os testes da base não compilam:\n{}",
                tail(&tests.all(), 40)
            ));
        }
        for exercise in &grader.exercises {
            let exe = executables
                .get(&exercise.test)
                .ok_or_else(|| format!("o cargo não disse onde está o teste {}", exercise.test))?;
            let listed = grader.sandbox.run(&isolamento::Job {
                work: &grader.base,
                target: &grader.seed,
                dir: "tests",
                program: exe,
                args: &["--list"],
                env: &[],
                limit: grader.limits.exercise,
            });
            let listed = listed.map_err(|e| format!("{}: {e}", exercise.test))?;
            let names = relatorio::parse_list(&listed.output);
            if !listed.success() || names.is_empty() {
                return Err(format!(
                    "{} --list falhou:\n{}",
                    exercise.test,
                    listed.all()
                ));
            }
            grader.expected.push(names);
        }
        Ok(grader)
    }

    /// A base: o kit gerado da referência.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// A pasta onde fica o resultado guardado de cada aluno.
    pub fn results_folder(&self) -> PathBuf {
        self.work.join("resultados")
    }

    /// Corrige a entrega de `student`, que está em `submission`.
    pub fn grade(&self, student: &str, submission: &Path) -> Grade {
        let count = self.exercises.len();
        let present = CRATES
            .iter()
            .any(|c| submission.join(c).join("src").is_dir());
        if !present {
            return Grade::zero(
                student,
                count,
                format!("faltam as pastas {}", selecao::STUDENT_FOLDERS.join(", ")),
            );
        }
        let cell = self.work.join("alunos").join(cell_name(student));
        let work = cell.join("entrega");
        let target = cell.join("alvo");
        let _ = fs::remove_dir_all(&cell);
        let result = self.grade_in(submission, student, &work, &target);
        // A pasta de compilação é grande; a entrega montada fica, para o
        // professor conferir o que foi corrigido.
        let _ = fs::remove_dir_all(&target);
        result.unwrap_or_else(|err| Grade::zero(student, count, err))
    }

    fn grade_in(
        &self,
        submission: &Path,
        student: &str,
        work: &Path,
        target: &Path,
    ) -> Result<Grade, String> {
        let count = self.exercises.len();
        copy_tree(&self.base, work)?;
        copy_tree(&self.seed, target)?;
        let selection = selecao::select(submission, &self.base)?;
        for relative in &selection.taken {
            let from = submission.join(relative);
            let to = work.join(relative);
            if same_file_content(&from, &to) {
                continue; // igual ao kit: mantém a data, nada a recompilar
            }
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            fs::copy(&from, &to).map_err(|e| format!("{}: {e}", relative.display()))?;
        }
        let mut grade = Grade::zero(student, count, String::new());
        grade.notes.clear();
        grade.ignored = selection.ignored;

        // Compilar: cada programa por si; o que não compila é trocado pelo
        // esboço do kit, para os exercícios dos outros ainda valerem.
        let clock = Instant::now();
        let deadline = clock + self.limits.build;
        // Os programas trocados pelo esboço do kit, e o porquê.
        let mut broken: BTreeMap<&str, &str> = BTreeMap::new();
        for _ in 0..CRATES.len() {
            let run = self.cargo(work, target, &self.programs_args(), deadline)?;
            if run.ending == Ending::TimedOut {
                return Err("a compilação passou do tempo-limite".into());
            }
            if run.success() {
                break;
            }
            let output = run.all();
            let failed = failed_crates(&output);
            let first = CRATES
                .iter()
                .find(|c| failed.contains(c) && !broken.contains_key(*c))
                .copied();
            let Some(krate) = first else {
                return Err(compile_error(&output, None));
            };
            // `unsafe` é um erro de compilação: o `Cargo.toml` do kit (que
            // a correção usa) proíbe com `forbid`, que o código não desfaz.
            if let Some(why) = unsafe_error(&output, krate) {
                grade.notes.push(format!("{krate}: {why}"));
                broken.insert(krate, "usa `unsafe`");
            } else {
                grade
                    .notes
                    .push(format!("{krate} {}", compile_error(&output, Some(krate))));
                broken.insert(krate, "não compila");
            }
            grade.compile_log.push(diagnostics(&output));
            self.use_kit_code(work, krate)?;
        }

        let programs_time = clock.elapsed();
        let run = self.cargo(work, target, &self.tests_args(), deadline)?;
        let tests_time = clock.elapsed() - programs_time;
        if run.ending == Ending::TimedOut {
            return Err("a compilação dos testes passou do tempo-limite".into());
        }
        let output = run.all();
        let executables = executables(&output);
        let test_error = (!run.success()).then(|| compile_error(&output, None));
        if test_error.is_some() {
            grade.compile_log.push(diagnostics(&output));
        }
        let built = Built {
            work,
            target,
            broken: &broken,
            executables: &executables,
            test_error: test_error.as_deref(),
        };

        // Os exercícios rodam até EXERCISES_AT_ONCE de cada vez: os testes
        // passam quase todo o tempo esperando a rede, e cada um tem o seu
        // tempo-limite e a sua caixa.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<std::sync::Mutex<Option<Graded>>> = self
            .exercises
            .iter()
            .map(|_| std::sync::Mutex::new(None))
            .collect();
        let work_on = || {
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(exercise) = self.exercises.get(index) else {
                    break;
                };
                let graded = self.grade_exercise(&built, exercise, &self.expected[index]);
                if let Ok(mut slot) = results[index].lock() {
                    *slot = Some(graded);
                }
            }
        };
        std::thread::scope(|scope| {
            // Esta thread é uma das EXERCISES_AT_ONCE. Sem conseguir criar
            // as outras (a máquina no limite), a correção não para: o que
            // faltar roda nesta mesma.
            let work_on = &work_on;
            for _ in 1..EXERCISES_AT_ONCE {
                if std::thread::Builder::new()
                    .spawn_scoped(scope, work_on)
                    .is_err()
                {
                    break;
                }
            }
            work_on();
        });
        for (index, slot) in results.into_iter().enumerate() {
            let graded = slot.into_inner().unwrap_or_else(|e| e.into_inner());
            let Some(graded) = graded else {
                return Err("o exercício não rodou".into());
            };
            let label = format!("ex{:02}", index + 1);
            if let Some(review) = graded.review {
                grade.notes.push(format!("{label}: {REVIEW}: {review}"));
            }
            if let Some(exhausted) = graded.exhausted {
                grade.notes.push(format!("{label}: {exhausted}"));
            }
            grade.exercises[index] = graded.grade;
        }
        grade.timings = format!(
            "programas {:.1} s, testes compilados {:.1} s, testes rodados {:.1} s",
            programs_time.as_secs_f64(),
            tests_time.as_secs_f64(),
            (clock.elapsed() - programs_time - tests_time).as_secs_f64()
        );
        Ok(grade)
    }

    /// Troca o código (`src/`) do programa `krate` na entrega `work` pelo
    /// esboço do kit: os exercícios dos outros programas ainda valem.
    fn use_kit_code(&self, work: &Path, krate: &str) -> Result<(), String> {
        let src = Path::new(krate).join("src");
        let _ = fs::remove_dir_all(work.join(&src));
        copy_tree(&self.base.join(&src), &work.join(&src))
    }

    /// A nota de um exercício: zero com o motivo, se o programa dele foi
    /// trocado pelo esboço, o teste não compilou, o relatório não parece do
    /// harness, ou não foi possível rodar os testes; senão, os testes rodados.
    fn grade_exercise(&self, built: &Built, exercise: &Exercise, expected: &[String]) -> Graded {
        let Built {
            work,
            target,
            broken,
            executables,
            test_error,
        } = *built;
        let number = exercise_number(&exercise.test);
        let owner = number.and_then(|n| self.owners.get(&n));
        let mut note = match (owner, executables.get(&exercise.test)) {
            (Some(owner), _) if broken.contains_key(owner.as_str()) => {
                Some(format!("{owner} {}", broken[owner.as_str()]))
            }
            (_, None) => Some(
                test_error
                    .unwrap_or("o teste não compilou")
                    .replace("não compila", "os testes não compilam"),
            ),
            _ => None,
        };
        let mut ran = ExerciseRun::default();
        if let (None, Some(exe)) = (&note, executables.get(&exercise.test)) {
            match self.run_exercise(work, target, exe, expected) {
                Ok(done) => ran = done,
                // A máquina não deixou criar o processo nem depois de
                // esperar: este exercício fica sem nota, a correção segue.
                Err(err) => note = Some(format!("recursos esgotados ({err})")),
            }
        }
        if let Some(forged) = ran.forged.take() {
            note = Some(format!("{REVIEW}: {forged}"));
        }
        let passed: Vec<&str> = ran
            .outcomes
            .iter()
            .filter(|(_, o)| o.counts())
            .map(|(n, _)| n.as_str())
            .collect();
        let points = if note.is_some() {
            0.0
        } else {
            exercise.score(expected, &passed)
        };
        Graded {
            grade: ExerciseGrade {
                points,
                tests: ran.outcomes,
                note,
            },
            review: ran.review,
            exhausted: ran.exhausted,
        }
    }

    /// Roda os testes de um exercício: uma vez todos; depois, cada um que
    /// falhou (uma repetição) ou que não foi relatado, sozinho; por fim, um
    /// dos que passaram, sorteado, sozinho numa caixa nova, para conferir o
    /// relatório. Tudo dentro do tempo-limite do exercício.
    fn run_exercise(
        &self,
        work: &Path,
        target: &Path,
        exe: &str,
        expected: &[String],
    ) -> Result<ExerciseRun, String> {
        let total = expected.len();
        let mut ran = ExerciseRun::default();
        let deadline = Instant::now() + self.limits.exercise;
        let first = self.run_tests(work, target, exe, &[], deadline)?;
        ran.note_exhausted(&first);
        let report = relatorio::parse(&first.output);
        if let Some(why) = report.suspicion(expected, total) {
            ran.forged = Some(format!("o relatório dos testes não é o do harness: {why}"));
        }
        let mut outcomes: BTreeMap<&str, TestOutcome> = BTreeMap::new();
        // Os testes a rodar de novo, sozinhos: os que falharam (uma segunda
        // chance: um teste instável não deve custar pontos) e, se o programa
        // saiu sem o relatório final, todos.
        let mut again: Vec<&str> = Vec::new();
        let trusted = report.finished || first.ending == Ending::TimedOut;
        for name in expected {
            let reported = report.results.get(name).copied();
            let outcome = match (trusted, reported) {
                (true, Some(Status::Passed)) => TestOutcome::Passed,
                (true, Some(Status::Failed)) => {
                    again.push(name);
                    failed(&report, name)
                }
                (true, _) if first.ending == Ending::TimedOut => TestOutcome::TimedOut,
                // O harness terminou sem relatar este teste (uma linha
                // estragada por outra saída, por exemplo): roda sozinho.
                (true, _) => {
                    again.push(name);
                    TestOutcome::DidNotFinish
                }
                (false, _) => {
                    again.push(name);
                    TestOutcome::DidNotFinish
                }
            };
            outcomes.insert(name, outcome);
        }
        for name in again {
            if deadline.saturating_duration_since(Instant::now()) < Duration::from_millis(500) {
                if outcomes[name] == TestOutcome::DidNotFinish && first.ending == Ending::TimedOut {
                    outcomes.insert(name, TestOutcome::TimedOut);
                }
                continue;
            }
            let run = self.run_tests(work, target, exe, &["--exact", name], deadline)?;
            ran.note_exhausted(&run);
            let report = relatorio::parse(&run.output);
            if let Some(why) = report.suspicion(&[name.to_string()], total) {
                ran.forged.get_or_insert(format!(
                    "o relatório de {name}, rodado sozinho, não é o do harness: {why}"
                ));
            }
            let status = report.results.get(name).copied();
            let before = outcomes[name].clone();
            let after = match (report.finished, status, run.ending) {
                (true, Some(Status::Passed), _) => match before {
                    TestOutcome::Failed(_) => TestOutcome::Flaky,
                    _ => TestOutcome::Passed,
                },
                // Falhou de novo, sozinho: a saída de erro desta rodada é só
                // dele (o erro do servidor que o teste subiu).
                (true, Some(Status::Failed), _) => match before {
                    TestOutcome::Failed(message) => {
                        TestOutcome::Failed(devolutiva::with_errors(&message, &run.errors))
                    }
                    _ => failed(&report, name),
                },
                (_, _, Ending::TimedOut) => match before {
                    TestOutcome::Failed(_) => before,
                    _ => TestOutcome::TimedOut,
                },
                _ => match before {
                    TestOutcome::Failed(_) => before,
                    _ => TestOutcome::DidNotFinish,
                },
            };
            outcomes.insert(name, after);
        }
        // A conferência: um teste que passou, sorteado (o código do aluno
        // não sabe qual), roda sozinho. O harness de verdade relata só ele,
        // com as contas certas, e ele passa de novo.
        let passed: Vec<&str> = expected
            .iter()
            .map(String::as_str)
            .filter(|n| outcomes[n] == TestOutcome::Passed)
            .collect();
        let chosen = {
            use std::hash::BuildHasher;
            let seed = std::collections::hash_map::RandomState::new();
            passed.iter().min_by_key(|n| seed.hash_one(n)).copied()
        };
        if let (Some(name), None) = (chosen, &ran.forged) {
            // Um tempo próprio: a conferência não tira tempo dos testes.
            let check = Instant::now() + self.limits.exercise;
            let run = self.run_tests(work, target, exe, &["--exact", name], check)?;
            ran.note_exhausted(&run);
            let report = relatorio::parse(&run.output);
            if let Some(why) = report.suspicion(&[name.to_string()], total) {
                ran.forged = Some(format!(
                    "o relatório de {name}, rodado sozinho para conferir, não é o do harness: {why}"
                ));
            } else if !report.finished || report.results.get(name) != Some(&Status::Passed) {
                ran.review = Some(format!(
                    "{name} passou com os outros e não passou sozinho, ao conferir"
                ));
            }
        }
        ran.outcomes = expected
            .iter()
            .map(|n| (n.clone(), outcomes[n.as_str()].clone()))
            .collect();
        Ok(ran)
    }

    fn run_tests(
        &self,
        work: &Path,
        target: &Path,
        exe: &str,
        extra: &[&str],
        deadline: Instant,
    ) -> Result<Run, String> {
        let binaries = self.sandbox.target_path(target).join("debug");
        let binaries = binaries.to_string_lossy();
        let mut args = vec!["--color", "never"];
        args.extend_from_slice(extra);
        let limit = deadline.saturating_duration_since(Instant::now());
        self.sandbox
            .run_tests(&isolamento::Job {
                work,
                target,
                dir: "tests",
                program: exe,
                args: &args,
                // `CI=true`: um teste que não pode rodar aqui (`avaliacao::skip`)
                // falha, como na integração contínua, em vez de passar sem
                // ter conferido nada. Se for a caixa que não deixa, a
                // referência também perde o ponto, e o professor vê.
                env: &[("AVALIACAO_BINARIOS", &binaries), ("CI", "true")],
                limit,
            })
            .map_err(|e| format!("não foi possível rodar os testes: {e}"))
    }

    /// `cargo ARGS` na caixa, até `deadline`.
    fn cargo(
        &self,
        work: &Path,
        target: &Path,
        args: &[String],
        deadline: Instant,
    ) -> Result<Run, String> {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let limit = deadline.saturating_duration_since(Instant::now());
        let cargo = self.sandbox.cargo();
        self.sandbox
            .run(&isolamento::Job {
                work,
                target,
                dir: "",
                program: &cargo,
                args: &args,
                env: &[],
                limit,
            })
            .map_err(|e| format!("não foi possível rodar o cargo: {e}"))
    }

    /// Compilar os programas (bibliotecas e binários), sem parar no
    /// primeiro que falhar.
    fn programs_args(&self) -> Vec<String> {
        let mut args: Vec<String> = ["build", "--offline", "--locked", "--keep-going"]
            .map(String::from)
            .to_vec();
        for krate in CRATES {
            args.push("-p".into());
            args.push(krate.into());
        }
        args.extend(["--lib".into(), "--bins".into()]);
        args
    }

    /// Compilar os testes dos exercícios, sem rodar.
    fn tests_args(&self) -> Vec<String> {
        // Só o `avaliacao` (o programa do professor é outro crate): a
        // biblioteca dos testes fica pequena e recompila rápido a cada entrega.
        let mut args: Vec<String> = [
            "test",
            "--offline",
            "--locked",
            "--no-fail-fast",
            "--no-run",
        ]
        .map(String::from)
        .to_vec();
        args.extend(["-p".into(), "avaliacao".into()]);
        for exercise in &self.exercises {
            args.push("--test".into());
            args.push(exercise.test.clone());
        }
        args
    }
}

/// Uma entrega já compilada: o que cada exercício precisa saber dela.
#[derive(Clone, Copy)]
struct Built<'a> {
    /// A cópia da entrega e a pasta da compilação.
    work: &'a Path,
    target: &'a Path,
    /// Os programas trocados pelo esboço do kit, e o porquê.
    broken: &'a BTreeMap<&'a str, &'a str>,
    /// O executável de cada teste (`exercicio_01` → caminho).
    executables: &'a BTreeMap<String, String>,
    /// O erro de compilação dos testes, se houve.
    test_error: Option<&'a str>,
}

/// O começo da observação de tudo o que a correção não pôde decidir sozinha.
pub const REVIEW: &str = "revisar à mão";

/// Um exercício corrigido, com o que o professor precisa saber além da nota.
#[derive(Debug)]
struct Graded {
    grade: ExerciseGrade,
    /// A nota conta, mas algo não bateu ao conferir (com o porquê).
    review: Option<String>,
    /// O teto da caixa que os testes atingiram, se algum.
    exhausted: Option<String>,
}

/// O que as rodadas dos testes de um exercício deram.
#[derive(Debug, Default)]
struct ExerciseRun {
    outcomes: Vec<(String, TestOutcome)>,
    /// O relatório não é o do harness (o exercício fica com zero).
    forged: Option<String>,
    /// Algo a conferir, sem mudar a nota.
    review: Option<String>,
    exhausted: Option<String>,
}

impl ExerciseRun {
    fn note_exhausted(&mut self, run: &Run) {
        if self.exhausted.is_none() {
            self.exhausted.clone_from(&run.exhausted);
        }
    }
}

fn failed(report: &relatorio::Report, name: &str) -> TestOutcome {
    TestOutcome::Failed(report.messages.get(name).cloned().unwrap_or_default())
}

/// `exercicio_07` → 7.
fn exercise_number(test: &str) -> Option<u32> {
    test.strip_prefix("exercicio_")?.parse().ok()
}

/// Uma impressão digital da referência (caminhos, tamanhos e datas): se ela
/// não mudou, a base já montada serve.
fn stamp(reference: &Path) -> Result<String, String> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for relative in crate::kit::tracked(reference)? {
        relative.hash(&mut hasher);
        if let Ok(meta) = fs::metadata(reference.join(&relative)) {
            meta.len().hash(&mut hasher);
            meta.modified().ok().hash(&mut hasher);
        }
    }
    Ok(format!("{:016x}\n", hasher.finish()))
}

fn same_file_content(a: &Path, b: &Path) -> bool {
    matches!((fs::read(a), fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

/// Copia uma árvore mantendo as datas dos arquivos (o cargo decide o que
/// recompilar pelas datas: uma cópia com datas novas recompilaria tudo).
/// Links simbólicos não são seguidos nem copiados.
pub fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in crate::pastas::walk(from, &|_| true)? {
        let (source, dest) = (from.join(&entry.relative), to.join(&entry.relative));
        if entry.kind.is_dir() {
            fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        } else if entry.kind.is_file() {
            fs::copy(&source, &dest).map_err(|e| format!("{}: {e}", source.display()))?;
            let modified = fs::symlink_metadata(&source).and_then(|m| m.modified());
            if let Ok(modified) = modified {
                let file = fs::File::options().write(true).open(&dest);
                if let Ok(file) = file {
                    let _ = file.set_modified(modified);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn copy_tree_copia_pastas_e_datas_e_nao_segue_links() {
        let root = std::env::temp_dir().join(format!("copy-tree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let (from, to) = (root.join("de"), root.join("para"));
        fs::create_dir_all(from.join("src/bin")).unwrap();
        fs::write(from.join("Cargo.toml"), "[package]\n").unwrap();
        fs::write(from.join("src/bin/main.rs"), "fn main() {}\n").unwrap();
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let file = fs::File::options()
            .write(true)
            .open(from.join("src/bin/main.rs"));
        file.unwrap().set_modified(old).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc", from.join("src/etc")).unwrap();

        copy_tree(&from, &to).unwrap();

        assert_eq!(
            fs::read_to_string(to.join("Cargo.toml")).unwrap(),
            "[package]\n"
        );
        let copied = to.join("src/bin/main.rs");
        assert_eq!(fs::read_to_string(&copied).unwrap(), "fn main() {}\n");
        assert_eq!(fs::metadata(&copied).unwrap().modified().unwrap(), old);
        assert!(fs::symlink_metadata(to.join("src/etc")).is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}
