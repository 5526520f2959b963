//! A correção de uma turma do Moodle, de ponta a ponta: o "baixar todas as
//! entregas" com dois alunos de mesmo nome (a solução e o kit intocado), um
//! envio sem nome, e a planilha de notas em português e em inglês com um
//! aluno que não entregou. Cada participante recebe a sua nota, o resto da
//! planilha fica byte a byte, e quem não entregou fica sem nota.

use std::fs;
use std::path::Path;
use std::process::Command;

use professor::{kit, notas, workspace_root};

fn bwrap_available() -> bool {
    Command::new("bwrap")
        .args(["--ro-bind", "/", "/", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Põe os arquivos `files` (relativos a `from`) num `.zip`, como o aluno
/// compacta a pasta do kit: tudo dentro de `kit-turma/`.
fn zip_workspace(from: &Path, files: &[std::path::PathBuf], zip: &Path) {
    let script = "import sys, zipfile, os\n\
                  z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
                  root = sys.argv[2]\n\
                  for name in sys.stdin.read().split('\\0'):\n    \
                  if name:\n        \
                  z.write(os.path.join(root, name), os.path.join('kit-turma', name))\n\
                  z.close()\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .arg(from)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3 (para criar o .zip do teste)");
    let names: Vec<String> = files
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(names.join("\0").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Uma linha da planilha: a nota e o comentário vazios, como o Moodle baixa
/// antes de corrigir.
fn row(label: &str, name: &str, email: &str, status: &str, max: &str) -> (String, String) {
    (
        format!("{label},\"{name}\",{email},\"{status}\","),
        format!(",{max},Sim,\"quinta-feira, 3 dez. 2026, 10:00\",-,"),
    )
}

#[test]
#[ignore = "pesado (uns 30 s: corrige uma turma de verdade, no bwrap): roda na .ci/run, ou com -- --ignored"]
fn turma_do_moodle_com_homonimos_volta_ao_moodle_com_a_nota_de_cada_um() {
    if !bwrap_available() {
        return avaliacao::skip("sem o bubblewrap (bwrap) nesta máquina");
    }
    let root = workspace_root();
    let base = root.join("target/teste-do-moodle");
    let class = base.join("turma");
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&class).unwrap();

    // Ana Souza 10001: a solução inteira. Ana Souza 10004: o kit intocado.
    let full = class.join("Ana Souza_10001_assignsubmission_file_");
    fs::create_dir_all(&full).unwrap();
    zip_workspace(&root, &kit::tracked(&root).unwrap(), &full.join("kit.zip"));
    let empty = class.join("Ana Souza_10004_assignsubmission_file_");
    fs::create_dir_all(&empty).unwrap();
    let made = base.join("kit");
    kit::make(&root, &made).unwrap();
    zip_workspace(&made, &kit::files(&made).unwrap(), &empty.join("kit.zip"));
    // Um envio sem nome: recusado, com o motivo; os outros seguem.
    fs::copy(
        empty.join("kit.zip"),
        class.join("_10005_assignsubmission_file_kit.zip"),
    )
    .unwrap();

    // A planilha baixada do Moodle em português: vírgula entre os campos,
    // "Participante" colado no número, nota máxima 10,00; o Caio (10009)
    // não entregou.
    let header = "Identificador,\"Nome completo\",\"Endereço de email\",Status,Nota,\"Nota máxima\",\"Nota pode ser alterada\",\"Última modificação (envio)\",\"Última modificação (nota)\",\"Comentários de feedback\"\n";
    let rows = [
        row(
            "Participante10001",
            "Ana Souza",
            "ana1@exemplo.br",
            "Enviado para avaliação",
            "\"10,00\"",
        ),
        row(
            "Participante10004",
            "Ana Souza",
            "ana4@exemplo.br",
            "Enviado para avaliação",
            "\"10,00\"",
        ),
        row(
            "Participante10009",
            "Caio Lima",
            "caio@exemplo.br",
            "Nenhum envio",
            "\"10,00\"",
        ),
    ];
    let mut worksheet = String::from(header);
    for (before, after) in &rows {
        worksheet.push_str(&format!("{before}{after}\n"));
    }
    let worksheet_file = base.join("Planilha de notas.csv");
    fs::write(&worksheet_file, &worksheet).unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_professor"))
        .arg("notas")
        .arg(&class)
        .args(["--limite", "20", "--paralelo", "2", "--escala", "10"])
        .arg("--planilha")
        .arg(&worksheet_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stderr}\n{stdout}");
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("_10005_assignsubmission_file_kit.zip: o nome do aluno está vazio"),
        "{stderr}"
    );

    // notas.csv: um por participante, com o número, e sem linha de máximos.
    let exercises = notas::exercises(&root, None).unwrap();
    let full_points: f64 = exercises.iter().map(|e| e.points).sum();
    let csv = fs::read_to_string(class.join("notas.csv")).unwrap();
    assert!(!csv.contains("pontos máximos"), "{csv}");
    let line = |id: &str| -> Vec<String> {
        csv.lines()
            .find(|l| l.contains(&format!(";\"{id}\";")))
            .unwrap_or_else(|| panic!("{id} não está na tabela:\n{csv}"))
            .split(';')
            .map(str::to_string)
            .collect()
    };
    let number = |text: &str| -> f64 { text.replace(',', ".").parse().unwrap() };
    assert_eq!(line("10001")[0], "\"Ana Souza\"");
    assert_eq!(number(line("10001").last().unwrap()), full_points, "{csv}");
    assert_eq!(number(line("10004").last().unwrap()), 0.0, "{csv}");
    let scaled = |id: &str| number(&line(id)[line(id).len() - 2]);
    assert_eq!(scaled("10001"), 10.0, "--escala 10: {csv}");
    assert!(
        !line("10004").join(";").contains("ignorados"),
        "o kit intocado não ouve que algo dele foi ignorado: {csv}"
    );

    // A planilha de volta: a nota na escala da linha, com vírgula, e o
    // comentário; o resto, byte a byte; quem não entregou, como estava.
    let back = fs::read_to_string(class.join("planilha-moodle.csv")).unwrap();
    let lines: Vec<&str> = back.lines().collect();
    assert_eq!(lines.len(), 4, "{back}");
    assert_eq!(format!("{}\n", lines[0]), header);
    let (before, after) = &rows[0];
    let full_text = notas::tabela::number(full_points);
    let prefix =
        format!("{before}\"10,00\"{after}\"Correção automática: {full_text} de {full_text} pontos");
    assert!(lines[1].starts_with(&prefix), "{}\n{prefix}", lines[1]);
    assert!(lines[1].contains("Ana_Souza_10001.md"), "{}", lines[1]);
    let (before, after) = &rows[1];
    let prefix = format!("{before}\"0,00\"{after}\"Correção automática: 0 de {full_text} pontos");
    assert!(lines[2].starts_with(&prefix), "{}\n{prefix}", lines[2]);
    let (before, after) = &rows[2];
    assert_eq!(
        lines[3],
        format!("{before}{after}"),
        "sem entrega, sem nota"
    );
    assert_eq!(
        fs::read_to_string(&worksheet_file).unwrap(),
        worksheet,
        "a planilha baixada não muda"
    );

    // A devolutiva do kit intocado: uma linha por exercício, sem backtrace.
    let feedback = fs::read_to_string(class.join("devolutiva/Ana_Souza_10004.md")).unwrap();
    assert_eq!(
        feedback.matches("Exercício não feito").count(),
        exercises.len(),
        "{feedback}"
    );
    assert!(!feedback.contains("RUST_BACKTRACE"), "{feedback}");
    assert!(!feedback.contains("não faz parte do kit"), "{feedback}");
    assert!(
        feedback.len() < 3000,
        "{} bytes: {feedback}",
        feedback.len()
    );
    assert!(class.join("devolutiva/Ana_Souza_10001.md").is_file());

    // A mesma turma com a planilha do Moodle em inglês (as notas já
    // guardadas; ponto decimal, "Participant " com espaço, \r\n).
    let english = "Identifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum grade\",\"Grade can be changed\",\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\"\r\n\
                   \"Participant 10001\",\"Ana Souza\",ana1@exemplo.br,Submitted,,100.00,Yes,-,-,\r\n\
                   \"Participant 10004\",\"Ana Souza\",ana4@exemplo.br,Submitted,,100.00,Yes,-,-,\r\n\
                   \"Participant 10009\",\"Caio Lima\",caio@exemplo.br,\"No submission\",,100.00,Yes,-,-,\r\n";
    let english_file = base.join("Grading worksheet.csv");
    fs::write(&english_file, english).unwrap();
    let sandbox = notas::Sandbox::unisolated().unwrap();
    let found = notas::entregas::discover(&class, &base.join("de-novo"), &sandbox).unwrap();
    let grades: Vec<notas::Grade> = found
        .submissions
        .iter()
        .map(|s| {
            let record = class
                .join(".avaliacao/resultados")
                .join(format!("{}.tsv", s.key.replace(' ', "_")));
            notas::turma::from_record(&fs::read_to_string(&record).unwrap(), exercises.len())
                .unwrap()
        })
        .collect();
    let filled =
        notas::planilha::fill(&english_file, &base, &exercises, &grades, &found.people()).unwrap();
    assert_eq!(filled.language, "en");
    assert_eq!((filled.graded, filled.without_submission), (2, 1));
    let back = fs::read_to_string(base.join("planilha-moodle.csv")).unwrap();
    let lines: Vec<&str> = back.split("\r\n").collect();
    assert!(
        lines[1].starts_with(
            "\"Participant 10001\",\"Ana Souza\",ana1@exemplo.br,Submitted,100.00,100.00,Yes,-,-,\"Correção"
        ),
        "{back}"
    );
    assert!(
        lines[2].starts_with(
            "\"Participant 10004\",\"Ana Souza\",ana4@exemplo.br,Submitted,0.00,100.00,Yes,-,-,\"Correção"
        ),
        "{back}"
    );
    assert_eq!(
        lines[3],
        "\"Participant 10009\",\"Caio Lima\",caio@exemplo.br,\"No submission\",,100.00,Yes,-,-,"
    );
    let _ = fs::remove_dir_all(&base);
}
