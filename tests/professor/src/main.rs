//! `professor`: as ferramentas do professor.
//!
//! - `cargo run -p professor -- kit DESTINO`: escreve o kit do aluno.
//! - `cargo run -p professor -- notas PASTA`: corrige as entregas de uma turma.
//! - `cargo run -p professor -- grafico ...`: desenha os gráficos do
//!   laboratório (`tests/lab/laboratorio.sh`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use professor::{kit, notas, workspace_root};

/// Ferramentas do professor: o kit do aluno e a correção das entregas.
#[derive(Debug, Parser)]
#[command(name = "professor", version)]
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
        /// Onde o workflow do GitHub Classroom roda os testes de cada push
        #[arg(
            long = "classroom",
            value_name = "MAQUINA",
            default_value = "ubuntu-latest"
        )]
        runner: professor::classroom::Runner,
    },
    /// Corrige as entregas: uma subpasta por aluno, cada uma com o workspace do kit
    Notas {
        /// Pasta com as entregas, ou o .zip do Moodle com todas (a tabela vai para PASTA/notas.csv)
        #[arg(value_name = "PASTA")]
        folder: PathBuf,
        /// Arquivo de pontos (linhas "exercicio_01 10"); sem ele, tests/pontos.txt
        #[arg(long = "pontos", value_name = "ARQUIVO")]
        points: Option<PathBuf>,
        /// Tempo-limite dos testes de cada exercício (1ms a 86400s; ex.: 30s, 2min; sem unidade: segundos)
        #[arg(long = "limite", value_name = "TEMPO", default_value = "30s", value_parser = common::cli::seconds)]
        limit: Duration,
        /// Tempo-limite para compilar cada entrega (1ms a 86400s; ex.: 300s, 5min; sem unidade: segundos)
        #[arg(long = "limite-compilacao", value_name = "TEMPO", default_value = "300s", value_parser = common::cli::seconds)]
        build_limit: Duration,
        /// Quantas entregas corrigir ao mesmo tempo [padrão: o número de núcleos]
        #[arg(long = "paralelo", value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        parallel: Option<u16>,
        /// Corrige de novo só este aluno (a chave da tabela, o número do Moodle ou o nome) e atualiza a linha dele
        #[arg(long = "aluno", value_name = "NOME")]
        student: Option<String>,
        /// A planilha de notas baixada do Moodle ("Baixar planilha de notas"): escreve PASTA/planilha-moodle.csv, com a nota e um comentário de cada participante corrigido, para enviar de volta
        #[arg(long = "planilha", value_name = "PLANILHA.csv")]
        worksheet: Option<PathBuf>,
        /// Uma coluna a mais no CSV com a nota de 0 a N (ex.: 10)
        #[arg(long = "escala", value_name = "N", value_parser = scale)]
        scale: Option<f64>,
        /// CSV com "," e ponto decimal (o padrão é ";" e vírgula, para planilhas em português)
        #[arg(long = "csv-internacional")]
        international: bool,
        /// Roda o código dos alunos sem a caixa de areia (bubblewrap): ele
        /// poderá ler e mudar tudo o que você pode
        #[arg(long = "sem-isolamento")]
        unisolated: bool,
    },
    /// Desenha um gráfico do laboratório (SVG) a partir das tabelas do bench e diz os números
    Grafico {
        /// Que gráfico: congestionamento (ROTULO=ARQUIVO.csv...); fluxo, vazao ou perda (um ARQUIVO.csv)
        #[arg(value_name = "TIPO")]
        kind: professor::grafico::Kind,
        /// Onde gravar o SVG
        #[arg(long = "saida", value_name = "ARQUIVO.svg")]
        output: PathBuf,
        /// O título do gráfico
        #[arg(long = "titulo", value_name = "TEXTO", default_value = "")]
        title: String,
        /// As tabelas (CSV) a desenhar
        #[arg(value_name = "CSV", required = true)]
        inputs: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli: Cli = common::cli::parse();
    let result = match cli.command {
        Command::Kit {
            destination,
            runner,
        } => make_kit(&destination, runner),
        Command::Grafico {
            kind,
            output,
            title,
            inputs,
        } => professor::grafico::run(kind, &title, &output, &inputs).map(|text| print!("{text}")),
        Command::Notas {
            folder,
            points,
            limit,
            build_limit,
            parallel,
            student,
            worksheet,
            scale,
            unisolated,
            international,
        } => {
            let limits = notas::Limits {
                build: build_limit,
                exercise: limit,
            };
            let parallel = parallel
                .map(usize::from)
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let output = Output {
                style: if international {
                    notas::CsvStyle::International
                } else {
                    notas::CsvStyle::Brazilian
                },
                scale,
                worksheet,
            };
            grade_class(
                &folder,
                points.as_deref(),
                limits,
                parallel,
                student.as_deref(),
                unisolated,
                &output,
            )
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            common::cli::print_error(&err);
            ExitCode::FAILURE
        }
    }
}

/// Roda `work` e, enquanto ele não volta, escreve `what` e o tempo passado
/// a cada 15 s: compilar a base leva um ou dois minutos calados.
fn while_waiting<T>(what: &str, work: impl FnOnce() -> T) -> T {
    let (done, wait) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        // Se a thread não puder ser criada, a correção segue sem o aviso.
        let ticker = std::thread::Builder::new().spawn_scoped(scope, move || {
            let started = Instant::now();
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                wait.recv_timeout(Duration::from_secs(15))
            {
                eprintln!("{what}... {} s", started.elapsed().as_secs());
            }
        });
        let result = work();
        drop(done);
        if let Ok(ticker) = ticker {
            let _ = ticker.join();
        }
        result
    })
}

fn make_kit(destination: &Path, runner: professor::classroom::Runner) -> Result<(), String> {
    let source = workspace_root();
    let report = kit::make(&source, destination)?;
    let leaks = kit::leaks(&source, destination, &report)?;
    if !leaks.is_empty() {
        return Err(format!(
            "o kit ainda tem partes da solução:\n{}",
            leaks.join("\n")
        ));
    }
    // O modelo do GitHub Classroom que o kit leva roda no Linux; se o professor
    // pediu outra máquina, ele é escrito de novo para ela.
    if runner != professor::classroom::Runner::Ubuntu {
        let graded = notas::exercises(&source, None)?;
        professor::classroom::write(destination, &graded, runner)?;
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

/// O que a correção escreve além das devolutivas.
struct Output {
    style: notas::CsvStyle,
    scale: Option<f64>,
    worksheet: Option<PathBuf>,
}

/// `--escala N`: um número maior que zero (`10`, `100`, `7,5`).
fn scale(text: &str) -> Result<f64, String> {
    text.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("{text:?} não é uma escala (um número maior que zero, como 10)"))
}

fn grade_class(
    folder: &Path,
    points: Option<&Path>,
    limits: notas::Limits,
    parallel: usize,
    only: Option<&str>,
    unisolated: bool,
    output: &Output,
) -> Result<(), String> {
    let started = Instant::now();
    let reference = workspace_root();
    let exercises = notas::exercises(&reference, points)?;
    if exercises.is_empty() {
        return Err("nenhum exercício (tests/tests/exercicio_*.rs) no workspace".into());
    }
    if let Some(worksheet) = &output.worksheet {
        // Antes de corrigir: uma planilha errada é achada em um segundo, não
        // depois de uma hora de correção.
        std::fs::read(worksheet).map_err(|e| format!("{}: {e}", worksheet.display()))?;
    }
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
    // O Moodle entrega a turma num .zip só: ele é aberto ao lado, na caixa.
    let folder = &notas::entregas::open_class(folder, &sandbox)?;
    let work = folder.join(".avaliacao");
    let found = notas::entregas::discover(folder, &work.join("extraidas"), &sandbox)?;
    for skipped in &found.skipped {
        eprintln!("não é uma entrega: {skipped}");
    }
    for notice in &found.notices {
        eprintln!("aviso: {notice}");
    }
    let submissions = found.keyed();
    if submissions.is_empty() {
        return Err(format!(
            "nenhuma entrega (pasta ou .zip com o workspace do kit) em {}",
            folder.display()
        ));
    }
    let chosen: Vec<(String, PathBuf)> = match only {
        None => submissions.clone(),
        Some(name) => {
            let matching = found.matching(name)?;
            if matching.is_empty() {
                return Err(format!(
                    "não há entrega de {} em {}",
                    notas::entregas::shown(name),
                    folder.display()
                ));
            }
            matching
                .iter()
                .map(|s| (s.key.clone(), s.path.clone()))
                .collect()
        }
    };
    let progress = |line: &str| eprintln!("{line}");
    progress(&sandbox.limits());
    let grader = while_waiting("ainda compilando a base", || {
        notas::Grader::prepare(&reference, &work, exercises, sandbox, limits, &progress)
    })?;
    eprintln!(
        "corrigindo {} entrega(s), {parallel} de cada vez...",
        chosen.len()
    );
    let sheet = notas::Sheet {
        style: output.style,
        scale: output.scale,
        people: found.people(),
    };
    let so_far = notas::turma::Output {
        folder,
        everyone: &submissions,
        sheet: &sheet,
    };
    let csv = notas::turma::grade_all(&grader, &chosen, parallel, &progress, so_far)?;
    let grades = notas::turma::load_all(&grader, &submissions)?;
    print!("{}", notas::table(&grader.exercises, &grades));
    if let Some(worksheet) = &output.worksheet {
        let filled =
            notas::planilha::fill(worksheet, folder, &grader.exercises, &grades, &sheet.people)?;
        for notice in &filled.notices {
            eprintln!("aviso: {notice}");
        }
        if !filled.missing.is_empty() {
            eprintln!(
                "aviso: entregas corrigidas que não estão na planilha (baixe-a de novo?): {}",
                filled.missing.join(", ")
            );
        }
        println!(
            "\nPlanilha do Moodle ({}) em {}: {} participante(s) com nota e comentário; {} sem \
             entrega ficaram como estavam. Envie-a em \"Enviar planilha de notas\".",
            filled.language,
            filled.written.display(),
            filled.graded,
            filled.without_submission
        );
    }
    // Dicas de semelhança: nunca mudam uma nota, só apontam o que olhar.
    let hints = notas::semelhanca::hints(&submissions, grader.base());
    let hints_file = folder.join("semelhancas.txt");
    let mut text = String::from(
        "Trechos de exercício iguais (sem comentários e espaços) em mais de uma entrega.\n\
         É só uma dica para olhar: não muda nenhuma nota.\n\n",
    );
    for hint in &hints {
        text.push_str(hint);
        text.push('\n');
    }
    std::fs::write(&hints_file, text).map_err(|e| format!("{}: {e}", hints_file.display()))?;
    if !hints.is_empty() {
        println!(
            "\nTrechos iguais em mais de uma entrega (só uma dica, veja {}):",
            hints_file.display()
        );
        for hint in hints.iter().take(10) {
            println!("  {hint}");
        }
        if hints.len() > 10 {
            println!("  ... e mais {}", hints.len() - 10);
        }
    }
    println!(
        "\n{} entrega(s) corrigida(s) em {} s; tabela em {}; devolutivas em {}",
        chosen.len(),
        started.elapsed().as_secs(),
        csv.display(),
        folder.join("devolutiva").display()
    );
    Ok(())
}
