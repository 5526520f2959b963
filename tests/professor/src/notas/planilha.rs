//! A planilha de notas do Moodle ("Baixar planilha de notas", em inglês
//! "Download grading worksheet"), de ida e volta.
//!
//! O professor baixa a planilha da tarefa, e `notas PASTA --planilha
//! PLANILHA.csv` escreve `PASTA/planilha-moodle.csv`: a mesma planilha, byte
//! a byte, com a nota e um comentário curto de cada participante corrigido.
//! Essa é a planilha que volta ao Moodle ("Enviar planilha de notas").
//!
//! As regras vêm do próprio Moodle (`mod/assign/feedback/offline/`):
//!
//! - o importador acha as colunas pelo **nome**, na língua de quem baixou: a
//!   identificação (`recordid` do componente `assign`: "Identificador",
//!   "Identifier"), a nota (`gradenoun`, antes `grade`, do Moodle: "Nota",
//!   "Grade") e a última mudança da nota (`lastmodifiedgrade`: "Última
//!   modificação (nota)", "Last modified (grade)"); sem as três, ele recusa
//!   a planilha. Os comentários vão na coluna com o nome do plugin de
//!   comentários ("Comentários de feedback", "Feedback comments");
//! - o participante é o número depois de `hiddenuser` ("Participante" em
//!   pt_br, sem espaço: `Participante12345`; "Participant " em inglês);
//! - a nota é lida com a vírgula decimal da língua (`unformat_float`); uma
//!   nota vazia é pulada (não vira zero), e uma nota acima da máxima também;
//! - uma nota mudada no Moodle depois da hora da coluna "Última modificação
//!   (nota)" não é sobrescrita: por isso essa coluna fica como veio.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::entregas::{Person, shown};
use super::{Exercise, Grade};

/// O nome da planilha escrita, na pasta da turma.
pub const OUTPUT: &str = "planilha-moodle.csv";

/// Os nomes das colunas numa língua do Moodle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language {
    /// O código da língua no Moodle.
    pub code: &'static str,
    /// `recordid` (assign).
    pub id: &'static str,
    /// `gradenoun` (o Moodle; `grade` nas versões antigas).
    pub grade: &'static str,
    /// `maxgrade` (assign): a coluna da nota máxima de cada linha.
    pub max: &'static str,
    /// `lastmodifiedgrade` (assign).
    pub modified: &'static str,
    /// `pluginname` (assignfeedback_comments).
    pub comments: &'static str,
    /// `hiddenuser` (assign): o que vem antes do número do participante.
    pub participant: &'static str,
}

/// As línguas que a correção lê.
pub const LANGUAGES: [Language; 2] = [
    Language {
        code: "pt_br",
        id: "Identificador",
        grade: "Nota",
        max: "Nota máxima",
        modified: "Última modificação (nota)",
        comments: "Comentários de feedback",
        participant: "Participante",
    },
    Language {
        code: "en",
        id: "Identifier",
        grade: "Grade",
        max: "Maximum grade",
        modified: "Last modified (grade)",
        comments: "Feedback comments",
        participant: "Participant",
    },
];

/// O que aconteceu com a planilha.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    /// Onde ela foi escrita.
    pub written: PathBuf,
    /// A língua dos nomes das colunas.
    pub language: &'static str,
    /// Quantos participantes ganharam nota.
    pub graded: usize,
    /// Participantes da planilha sem entrega (a nota fica como estava).
    pub without_submission: usize,
    /// Entregas corrigidas cujo número não está na planilha.
    pub missing: Vec<String>,
    /// Avisos para o professor (uma coluna que falta, por exemplo).
    pub notices: Vec<String>,
}

/// Lê `worksheet`, põe a nota e o comentário de cada participante de
/// `grades` (pela chave, em `people`) e escreve `folder/planilha-moodle.csv`.
pub fn fill(
    worksheet: &Path,
    folder: &Path,
    exercises: &[Exercise],
    grades: &[Grade],
    people: &BTreeMap<String, Person>,
) -> Result<Outcome, String> {
    let written = folder.join(OUTPUT);
    if fs::canonicalize(worksheet).ok() == fs::canonicalize(&written).ok() {
        return Err(format!(
            "{} é a planilha que a correção escreve; passe a planilha baixada do Moodle",
            worksheet.display()
        ));
    }
    let bytes = fs::read(worksheet).map_err(|e| format!("{}: {e}", worksheet.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: não está em UTF-8; baixe a planilha de novo do Moodle, sem abrir e salvar \
             numa planilha eletrônica",
            worksheet.display()
        )
    })?;
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let mut by_id: BTreeMap<&str, &Grade> = BTreeMap::new();
    for grade in grades {
        if let Some(id) = people.get(&grade.student).and_then(|p| p.id.as_deref()) {
            by_id.insert(id, grade);
        }
    }
    let filled = fill_text(&text, &|id| {
        by_id.get(id).map(|grade| {
            (
                grade.total() / full.max(f64::MIN_POSITIVE),
                comment(exercises, grade),
            )
        })
    })
    .map_err(|e| format!("{}: {e}", worksheet.display()))?;
    fs::write(&written, &filled.text).map_err(|e| format!("{}: {e}", written.display()))?;
    let mut missing: Vec<String> = by_id
        .iter()
        .filter(|(id, _)| !filled.seen.contains(**id))
        .map(|(id, grade)| format!("{} ({id})", shown(&grade.student)))
        .collect();
    missing.sort();
    Ok(Outcome {
        written,
        language: filled.language,
        graded: filled.graded,
        without_submission: filled.without_submission,
        missing,
        notices: filled.notices,
    })
}

/// O comentário de um participante: os pontos de cada exercício e onde ler
/// o resto.
pub fn comment(exercises: &[Exercise], grade: &Grade) -> String {
    let full: f64 = exercises.iter().map(|e| e.points).sum();
    let parts: Vec<String> = exercises
        .iter()
        .zip(&grade.exercises)
        .enumerate()
        .map(|(index, (exercise, result))| {
            format!(
                "ex{:02} {} de {}",
                index + 1,
                super::tabela::number(result.points),
                super::tabela::number(exercise.points)
            )
        })
        .collect();
    format!(
        "Correção automática: {} de {} pontos ({}). O motivo de cada teste que falhou está \
         na devolutiva {}.md.",
        super::tabela::number(grade.total()),
        super::tabela::number(full),
        parts.join("; "),
        super::cell_name(&grade.student)
    )
}

/// A planilha preenchida, e o que foi feito.
#[derive(Debug, Default)]
pub struct Filled {
    /// O texto novo.
    pub text: String,
    /// A língua das colunas.
    pub language: &'static str,
    /// Quantas linhas ganharam nota.
    pub graded: usize,
    /// Quantas linhas não tinham entrega.
    pub without_submission: usize,
    /// Os números de participante da planilha.
    pub seen: BTreeSet<String>,
    /// Avisos.
    pub notices: Vec<String>,
}

/// Preenche o texto de uma planilha: `grade_of(número)` dá a fração da nota
/// (de 0 a 1) e o comentário de um participante corrigido. Só mudam as
/// células da nota e do comentário dessas linhas; o resto fica byte a byte.
pub fn fill_text(
    text: &str,
    grade_of: &dyn Fn(&str) -> Option<(f64, String)>,
) -> Result<Filled, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - body.len();
    let (separator, records, language, columns) = read_header(body)?;
    let mut filled = Filled {
        language: language.code,
        ..Filled::default()
    };
    if columns.comments.is_none() {
        filled.notices.push(format!(
            "a planilha não tem a coluna \"{}\": só as notas vão para o Moodle (ative os \
             comentários de feedback na tarefa e baixe a planilha de novo para mandar os \
             comentários)",
            language.comments
        ));
    }
    // Cada troca: (começo, fim, texto novo), em bytes de `body`.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (number, record) in records.iter().enumerate().skip(1) {
        let cell = |index: usize| record.get(index).map(|f| unquote(&body[f.0..f.1]));
        let Some(label) = cell(columns.id) else {
            continue;
        };
        if label.trim().is_empty() && record.len() <= 1 {
            continue; // linha em branco
        }
        let Some(id) = participant(&label) else {
            return Err(format!(
                "linha {}: \"{}\" não é um participante (esperava \"{}12345\")",
                number + 1,
                shown(&label),
                language.participant
            ));
        };
        filled.seen.insert(id.clone());
        let Some((fraction, remark)) = grade_of(&id) else {
            filled.without_submission += 1;
            continue;
        };
        let max_text = cell(columns.max).unwrap_or_default();
        let Some(max) = parse_number(&max_text) else {
            return Err(format!(
                "linha {}: a nota máxima \"{}\" não é um número (a tarefa usa uma escala? \
                 a correção só preenche notas numéricas)",
                number + 1,
                shown(&max_text)
            ));
        };
        let value = super::pontos::round2(fraction * max).clamp(0.0, max);
        let grade = grade_cell(value, max_text.contains(','));
        let Some(&(start, end)) = record.get(columns.grade) else {
            return Err(format!(
                "linha {}: faltam colunas (a da nota é a {}ª)",
                number + 1,
                columns.grade + 1
            ));
        };
        edits.push((start, end, quoted(&grade, separator)));
        if let Some(index) = columns.comments {
            if let Some(&(start, end)) = record.get(index) {
                edits.push((start, end, quoted(&remark, separator)));
            }
        }
        filled.graded += 1;
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + edits.len() * 64);
    out.push_str(&text[..offset]);
    let mut at = 0;
    for (start, end, new) in edits {
        out.push_str(&body[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&body[at..]);
    filled.text = out;
    Ok(filled)
}

/// Onde estão as colunas que a correção usa.
#[derive(Debug)]
struct Columns {
    id: usize,
    grade: usize,
    max: usize,
    comments: Option<usize>,
}

type Header = (char, Vec<Vec<(usize, usize)>>, Language, Columns);

/// O separador, os registros e a língua da planilha: a primeira língua cujos
/// três nomes que o importador do Moodle exige estão no cabeçalho.
fn read_header(body: &str) -> Result<Header, String> {
    // O Moodle escreve com vírgula; uma planilha aberta e salva numa
    // planilha eletrônica em português pode ter voltado com `;`.
    for separator in [',', ';', '\t'] {
        let records = records(body, separator)?;
        let Some(first) = records.first() else {
            return Err("a planilha está vazia".into());
        };
        let names: Vec<String> = first
            .iter()
            .map(|f| unquote(&body[f.0..f.1]).trim().to_string())
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        for language in LANGUAGES {
            let (Some(id), Some(grade), Some(_)) = (
                find(language.id),
                find(language.grade),
                find(language.modified),
            ) else {
                continue;
            };
            let max = find(language.max).ok_or_else(|| {
                format!(
                    "a planilha não tem a coluna \"{}\" (a correção precisa dela para pôr a \
                     nota na escala da tarefa)",
                    language.max
                )
            })?;
            let columns = Columns {
                id,
                grade,
                max,
                comments: find(language.comments),
            };
            return Ok((separator, records, language, columns));
        }
    }
    let expected: Vec<String> = LANGUAGES
        .iter()
        .map(|l| {
            format!(
                "{}: \"{}\", \"{}\", \"{}\"",
                l.code, l.id, l.grade, l.modified
            )
        })
        .collect();
    Err(format!(
        "não é uma planilha de notas do Moodle que a correção saiba ler: o cabeçalho não tem \
         as colunas que o Moodle exige para enviar de volta ({}). Baixe-a em \"Baixar \
         planilha de notas\" (\"Download grading worksheet\"), com o Moodle em português \
         ou em inglês",
        expected.join("; ")
    ))
}

/// Os registros de um CSV (RFC 4180: campos entre aspas podem ter o
/// separador, aspas dobradas e quebras de linha): cada campo como o começo e
/// o fim dele no texto, com as aspas.
fn records(text: &str, separator: char) -> Result<Vec<Vec<(usize, usize)>>, String> {
    let bytes = text.as_bytes();
    let separator = separator as u8;
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if quoted {
            if byte == b'"' {
                if bytes.get(index + 1) == Some(&b'"') {
                    index += 1;
                } else {
                    quoted = false;
                }
            }
        } else if byte == b'"' && index == start {
            quoted = true;
        } else if byte == separator {
            record.push((start, index));
            start = index + 1;
        } else if byte == b'\n' || byte == b'\r' {
            record.push((start, index));
            records.push(std::mem::take(&mut record));
            if byte == b'\r' && bytes.get(index + 1) == Some(&b'\n') {
                index += 1;
            }
            start = index + 1;
        }
        index += 1;
    }
    if quoted {
        return Err("aspas que não fecham".into());
    }
    if start < bytes.len() {
        record.push((start, bytes.len()));
        records.push(record);
    }
    Ok(records)
}

/// O valor de um campo: sem as aspas de fora, com `""` voltando a `"`.
fn unquote(field: &str) -> String {
    match field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => field.to_string(),
    }
}

/// Um campo novo: entre aspas se tiver o separador, aspas, quebra de linha
/// ou espaço (como o Moodle escreve os seus).
fn quoted(value: &str, separator: char) -> String {
    if value.contains([separator, '"', '\n', '\r', ' ']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// O número de um participante: `Participante12345`, `Participant 12345`.
pub fn participant(label: &str) -> Option<String> {
    let label = label.trim();
    // O mais comprido primeiro: "Participante" começa com "Participant".
    let mut prefixes: Vec<&str> = LANGUAGES.iter().map(|l| l.participant).collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let rest = prefixes.iter().find_map(|p| label.strip_prefix(p))?;
    let number = rest.trim();
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then(|| number.to_string())
}

/// A nota na célula da planilha do Moodle: duas casas, com a vírgula
/// decimal se a nota máxima da planilha a usa (`7,50`), senão o ponto.
fn grade_cell(value: f64, comma: bool) -> String {
    let text = format!("{value:.2}");
    if comma { text.replace('.', ",") } else { text }
}

/// Um número da planilha: `10,00`, `10.00`, `100`.
fn parse_number(text: &str) -> Option<f64> {
    let value: f64 = text.trim().replace(',', ".").parse().ok()?;
    (value.is_finite() && value > 0.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PT_BR: &str = "Identificador,\"Nome completo\",\"Endereço de email\",Status,Nota,\"Nota máxima\",\"Nota pode ser alterada\",\"Última modificação (envio)\",\"Última modificação (nota)\",\"Comentários de feedback\"\nParticipante10001,\"Ana Souza\",ana@x.br,\"Enviado para avaliação\",,\"10,00\",Sim,\"segunda-feira, 14 set. 2026, 21:51\",-,\nParticipante10004,\"Ana Souza\",ana2@x.br,\"Enviado para avaliação\",,\"10,00\",Sim,\"segunda-feira, 14 set. 2026, 21:52\",-,\nParticipante10007,\"Caio, o \"\"Sem Entrega\"\"\",caio@x.br,\"Nenhum envio\",,\"10,00\",Sim,-,-,\n";

    fn grades(id: &str) -> Option<(f64, String)> {
        match id {
            "10001" => Some((63.0 / 90.0, "63 de 90".into())),
            "10004" => Some((0.0, "0 de 90".into())),
            _ => None,
        }
    }

    #[test]
    fn planilha_em_portugues_preenchida_e_o_resto_igual() {
        let filled = fill_text(PT_BR, &grades).unwrap();
        assert_eq!(filled.language, "pt_br");
        assert_eq!(filled.graded, 2);
        assert_eq!(filled.without_submission, 1);
        let lines: Vec<&str> = filled.text.lines().collect();
        let before: Vec<&str> = PT_BR.lines().collect();
        assert_eq!(lines[0], before[0]);
        assert_eq!(
            lines[1],
            "Participante10001,\"Ana Souza\",ana@x.br,\"Enviado para avaliação\",\"7,00\",\"10,00\",Sim,\"segunda-feira, 14 set. 2026, 21:51\",-,\"63 de 90\""
        );
        assert!(lines[2].contains(",\"0,00\",\"10,00\","), "{}", lines[2]);
        assert_eq!(lines[3], before[3], "sem entrega: a nota fica vazia");
    }

    #[test]
    fn planilha_em_ingles_com_ponto_decimal() {
        let english = "\u{feff}Identifier,\"Full name\",Status,Grade,\"Maximum grade\",\"Grade can be changed\",\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\"\r\n\"Participant 10001\",\"Ana Souza\",Submitted,,100.00,Yes,-,-,\r\n\"Participant 10007\",Caio,\"No submission\",,100.00,Yes,-,-,\r\n";
        let filled = fill_text(english, &grades).unwrap();
        assert_eq!(filled.language, "en");
        assert!(filled.text.starts_with('\u{feff}'));
        assert!(
            filled
                .text
                .contains("Souza\",Submitted,70.00,100.00,Yes,-,-,\"63 de 90\"\r\n"),
            "{}",
            filled.text
        );
        assert!(
            filled
                .text
                .ends_with("\"Participant 10007\",Caio,\"No submission\",,100.00,Yes,-,-,\r\n")
        );
    }

    #[test]
    fn planilha_que_nao_e_do_moodle_e_recusada() {
        let err = fill_text("aluno;nota\nana;10\n", &grades).unwrap_err();
        assert!(err.contains("Identificador"), "{err}");
        assert!(err.contains("Baixar planilha de notas"), "{err}");
        let no_max = "Identificador,Nota,\"Última modificação (nota)\"\nParticipante1,,-\n";
        assert!(
            fill_text(no_max, &grades)
                .unwrap_err()
                .contains("Nota máxima")
        );
        let bad =
            "Identificador,Nota,\"Nota máxima\",\"Última modificação (nota)\"\nFulano,,10,-\n";
        assert!(fill_text(bad, &grades).unwrap_err().contains("linha 2"));
        let short = "Identificador,\"Nota máxima\",\"Última modificação (nota)\",Nota\nParticipante10001,\"10,00\"\n";
        let err = fill_text(short, &grades).unwrap_err();
        assert!(err.contains("faltam colunas"), "{err}");
    }

    #[test]
    fn numero_do_participante() {
        assert_eq!(participant("Participante12345").as_deref(), Some("12345"));
        assert_eq!(participant("Participant 12345").as_deref(), Some("12345"));
        assert_eq!(participant("Participante 7").as_deref(), Some("7"));
        assert_eq!(participant("Participante"), None);
        assert_eq!(participant("Ana"), None);
    }

    #[test]
    fn sem_a_coluna_de_comentarios_so_a_nota() {
        let text = "Identifier,Grade,\"Maximum grade\",\"Last modified (grade)\"\n\"Participant 10001\",,10.00,-\n";
        let filled = fill_text(text, &grades).unwrap();
        assert!(
            filled
                .text
                .ends_with("\"Participant 10001\",7.00,10.00,-\n"),
            "{}",
            filled.text
        );
        assert_eq!(filled.notices.len(), 1);
    }
}
