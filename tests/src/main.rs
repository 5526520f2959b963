//! `avaliacao`: as ferramentas do professor.
//!
//! - `cargo run -p avaliacao -- kit DESTINO`: escreve o kit do aluno.
//! - `cargo run -p avaliacao -- notas PASTA`: corrige as entregas de uma turma.

use std::path::PathBuf;
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
        /// Tempo-limite para compilar e testar cada entrega, em segundos (0.001 a 86400)
        #[arg(long = "limite", value_name = "SEG", default_value = "600", value_parser = common::cli::seconds)]
        limit: Duration,
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
        } => grade_class(&folder, points.as_deref(), limit),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("erro: {err}");
            ExitCode::FAILURE
        }
    }
}

fn make_kit(destination: &std::path::Path) -> Result<(), String> {
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
    folder: &std::path::Path,
    points: Option<&std::path::Path>,
    limit: Duration,
) -> Result<(), String> {
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
    let work = folder.join(".avaliacao");
    let target = work.join("target");
    let mut grades = Vec::new();
    let started = Instant::now();
    for (index, submission) in submissions.iter().enumerate() {
        let name = submission
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprintln!(
            "[{}/{}] {name}: compilando e testando...",
            index + 1,
            submissions.len()
        );
        let one = Instant::now();
        let grade = notas::grade(
            &reference,
            submission,
            &exercises,
            &work.join("entrega"),
            &target,
            limit,
        );
        eprintln!(
            "[{}/{}] {name}: {} de {} pontos ({} s){}",
            index + 1,
            submissions.len(),
            grade.total(),
            exercises.iter().map(|e| e.points).sum::<f64>(),
            one.elapsed().as_secs(),
            if grade.notes.is_empty() {
                String::new()
            } else {
                format!(" — {}", grade.notes)
            }
        );
        grades.push(grade);
    }
    print!("{}", notas::table(&exercises, &grades));
    let csv = folder.join("notas.csv");
    std::fs::write(&csv, notas::csv(&exercises, &grades))
        .map_err(|e| format!("{}: {e}", csv.display()))?;
    println!(
        "\n{} entregas corrigidas em {} s; tabela em {}",
        grades.len(),
        started.elapsed().as_secs(),
        csv.display()
    );
    Ok(())
}
