//! `avaliacao`: as ferramentas do professor.
//!
//! - `cargo run -p avaliacao -- kit DESTINO`: escreve o kit do aluno.
//! - `cargo run -p avaliacao -- notas PASTA`: corrige as entregas de uma turma.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use avaliacao::{kit, notas, workspace_root};
use clap::{Parser, Subcommand};

/// Ferramentas do professor: o kit do aluno e a correção das entregas.
#[derive(Debug, Parser)]
#[command(name = "avaliacao", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Escreve o kit do aluno: o workspace com cada exercício trocado por um esboço
    Kit {
        /// Pasta nova onde escrever o kit
        #[arg(value_name = "DESTINO")]
        destination: PathBuf,
    },
    /// Corrige as entregas: uma subpasta por aluno, cada uma com o workspace do kit
    Notas {
        /// Pasta com as entregas (a tabela vai para PASTA/notas.csv)
        #[arg(value_name = "PASTA")]
        folder: PathBuf,
        /// Arquivo de pontos (linhas "exercicio_01 10"); sem ele, tests/pontos.txt
        #[arg(long = "pontos", value_name = "ARQUIVO")]
        points: Option<PathBuf>,
        /// Tempo-limite dos testes de cada exercício, em segundos
        #[arg(long = "limite", value_name = "SEG", default_value = "60", value_parser = common::cli::seconds)]
        limit: Duration,
        /// Tempo-limite para compilar cada entrega, em segundos
        #[arg(long = "limite-compilacao", value_name = "SEG", default_value = "300", value_parser = common::cli::seconds)]
        build_limit: Duration,
        /// Quantas entregas corrigir ao mesmo tempo [padrão: o número de núcleos]
        #[arg(long = "paralelo", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: Option<u16>,
        /// Corrige de novo só este aluno (o nome da pasta) e atualiza a linha dele
        #[arg(long = "aluno", value_name = "NOME")]
        student: Option<String>,
        /// Roda o código dos alunos sem a caixa de areia (bubblewrap): ele
        /// poderá ler e mudar tudo o que você pode
        #[arg(long = "sem-isolamento")]
        unisolated: bool,
    },
}

fn main() -> ExitCode {
    let cli: Cli = common::cli::parse();
    let result = match cli.command {
        Command::Kit { destination } => make_kit(&destination),
        Command::Notas {
            folder,
            points,
            limit,
            build_limit,
            parallel,
            student,
            unisolated,
        } => {
            let limits = notas::Limits {
                build: build_limit,
                exercise: limit,
            };
            let parallel = parallel
                .map(usize::from)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            grade_class(
                &folder,
                points.as_deref(),
                limits,
                parallel,
                student.as_deref(),
                unisolated,
            )
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("erro: {err}");
            ExitCode::FAILURE
        }
    }
}

fn make_kit(destination: &Path) -> Result<(), String> {
    let source = workspace_root();
    let report = kit::make(&source, destination)?;
    let leaks = kit::leaks(&source, destination, &report)?;
    if !leaks.is_empty() {
        return Err(format!(
            "o kit ainda tem partes da solução:\n{}",
            leaks.join("\n")
        ));
    }
    let mut exercises: Vec<u32> = report.regions.iter().map(|r| r.exercise).collect();
    exercises.sort_unstable();
    exercises.dedup();
    println!(
        "Kit escrito em {}: {} arquivos, {} trechos tirados (exercícios {:?}).",
        destination.display(),
        report.files,
        report.regions.len(),
        exercises
    );
    println!("Confira com: cd {} && cargo build", destination.display());
    Ok(())
}

fn grade_class(
    folder: &Path,
    points: Option<&Path>,
    limits: notas::Limits,
    parallel: usize,
    only: Option<&str>,
    unisolated: bool,
) -> Result<(), String> {
    let started = Instant::now();
    let reference = workspace_root();
    let exercises = notas::exercises(&reference, points)?;
    if exercises.is_empty() {
        return Err("nenhum exercício (tests/tests/exercicio_*.rs) no workspace".into());
    }
    let submissions = notas::submissions(folder)?;
    if submissions.is_empty() {
        return Err(format!(
            "nenhuma entrega (subpasta) em {}",
            folder.display()
        ));
    }
    let chosen: Vec<PathBuf> = match only {
        None => submissions.clone(),
        Some(name) => {
            let found: Vec<PathBuf> = submissions
                .iter()
                .filter(|s| notas::entregas::student(s) == name)
                .cloned()
                .collect();
            if found.is_empty() {
                return Err(format!("não há entrega {name} em {}", folder.display()));
            }
            found
        }
    };
    let sandbox = if unisolated {
        eprintln!(
            "ATENÇÃO: sem isolamento. O código dos alunos roda como você: pode ler e \
             apagar os seus arquivos, ler a solução, usar a rede e deixar processos \
             rodando. Use só com entregas em que você confia."
        );
        notas::Sandbox::unisolated()?
    } else {
        notas::Sandbox::isolated()?
    };
    let progress = |line: &str| eprintln!("{line}");
    let grader = notas::Grader::prepare(
        &reference,
        &folder.join(".avaliacao"),
        exercises,
        sandbox,
        limits,
        &progress,
    )?;
    eprintln!(
        "corrigindo {} entrega(s), {parallel} de cada vez...",
        chosen.len()
    );
    notas::turma::grade_all(&grader, &chosen, parallel, &progress)?;
    let grades = notas::turma::load_all(&grader, &submissions)?;
    print!("{}", notas::table(&grader.exercises, &grades));
    let csv = notas::turma::write_csv(folder, &grader, &grades)?;
    println!(
        "\n{} entrega(s) corrigida(s) em {} s; tabela em {}",
        chosen.len(),
        started.elapsed().as_secs(),
        csv.display()
    );
    Ok(())
}
