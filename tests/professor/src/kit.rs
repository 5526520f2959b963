//! O kit do aluno: uma cópia do workspace em que cada trecho marcado como
//! exercício é trocado por um esboço que compila e falha ao rodar.
//!
//! No código Rust, um exercício é o **corpo inteiro** de uma função, entre
//!
//! ```text
//! // EXERCÍCIO 3: INÍCIO
//! ...a solução...
//! // EXERCÍCIO 3: FIM
//! ```
//!
//! e no kit vira `todo!("Exercício 3: ...")`. No livro, a explicação da
//! solução fica entre `<!-- EXERCÍCIO 3: INÍCIO -->` e `<!-- EXERCÍCIO 3: FIM -->`
//! e no kit vira um aviso. As marcas continuam no kit: mostram onde escrever.

use std::fs;
use std::path::{Path, PathBuf};

/// Um trecho marcado: de qual exercício, em que arquivo, e as linhas dele.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// O número do exercício.
    pub exercise: u32,
    /// O arquivo, relativo à raiz do workspace.
    pub file: PathBuf,
    /// As linhas entre as marcas (a solução).
    pub body: Vec<String>,
}

/// O que o kit tirou e o que deixou passar.
#[derive(Debug, Default)]
pub struct Report {
    /// Quantos arquivos foram copiados.
    pub files: usize,
    /// Os trechos trocados por esboços.
    pub regions: Vec<Region>,
}

/// As marcas de um tipo de arquivo: como começa e termina a linha.
struct Markers {
    open: &'static str,
    close: &'static str,
}

const RUST: Markers = Markers {
    open: "// ",
    close: "",
};
const MARKDOWN: Markers = Markers {
    open: "<!-- ",
    close: " -->",
};

/// Lê uma linha de marca: `// EXERCÍCIO 3: INÍCIO` → `Some((3, true))`.
fn marker(line: &str, markers: &Markers) -> Option<(u32, bool)> {
    let inner = line
        .trim()
        .strip_prefix(markers.open)?
        .strip_suffix(markers.close)?;
    let rest = inner.strip_prefix("EXERCÍCIO ")?;
    let (number, kind) = rest.split_once(": ")?;
    let number = number.parse().ok()?;
    match kind {
        "INÍCIO" => Some((number, true)),
        "FIM" => Some((number, false)),
        _ => None,
    }
}

/// Troca cada trecho marcado de `text` pelo que `stub` devolve (recebe o
/// número do exercício e a indentação da marca). Devolve o texto novo e os
/// trechos tirados; erro se as marcas não fecham.
fn strip(
    text: &str,
    file: &Path,
    markers: &Markers,
    stub: impl Fn(u32, &str) -> String,
) -> Result<(String, Vec<Region>), String> {
    let mut out = String::with_capacity(text.len());
    let mut regions = Vec::new();
    let mut open: Option<(u32, String, usize)> = None;
    let mut body = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let where_ = format!("{}:{}", file.display(), index + 1);
        match (marker(line, markers), &open) {
            (Some((n, true)), None) => {
                let indent = line[..line.len() - line.trim_start().len()].to_string();
                out.push_str(line);
                out.push('\n');
                open = Some((n, indent, index + 1));
            }
            (Some((n, false)), Some((m, indent, _))) if n == *m => {
                out.push_str(&stub(n, indent));
                out.push('\n');
                out.push_str(line);
                out.push('\n');
                regions.push(Region {
                    exercise: n,
                    file: file.to_path_buf(),
                    body: std::mem::take(&mut body),
                });
                open = None;
            }
            (Some(_), _) => return Err(format!("{where_}: marca de exercício fora de lugar")),
            (None, Some(_)) => body.push(line.to_string()),
            (None, None) => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if let Some((n, _, line)) = open {
        return Err(format!(
            "{}:{line}: o exercício {n} começa e não termina",
            file.display()
        ));
    }
    Ok((out, regions))
}

/// Tira os exercícios de um arquivo Rust.
pub fn strip_rust(text: &str, file: &Path) -> Result<(String, Vec<Region>), String> {
    strip(text, file, &RUST, |n, indent| {
        format!("{indent}todo!(\"Exercício {n}: escreva esta parte (o enunciado está no livro)\")")
    })
}

/// Tira as explicações das soluções de uma página do livro.
pub fn strip_markdown(text: &str, file: &Path) -> Result<(String, Vec<Region>), String> {
    strip(text, file, &MARKDOWN, |n, indent| {
        format!(
            "{indent}> **Exercício {n}.** A explicação deste trecho é a solução do \
             exercício {n}, por isso não está no kit. O enunciado está no capítulo \
             \"Exercícios\"."
        )
    })
}

/// O README do kit, escrito para o aluno (o `README.md` da raiz é o do
/// professor). No kit ele vira o `README.md`.
pub const STUDENT_README: &str = "tests/kit/LEIAME.md";

/// Benchmarks que não vão para o kit: o `velocidade` tem servidores de
/// referência mínimos que são quase as soluções dos exercícios 1 e 3.
/// O `correcao` corrige uma turma feita de cópias da referência.
const SKIPPED_BENCHES: [&str; 2] = ["velocidade", "correcao"];

/// O que não vai para o kit: histórico, compilação, o livro já gerado, a CI,
/// o que o fuzzing gera (compilação, exemplos guardados, falhas achadas), o
/// programa do professor (`tests/professor/`: o kit, a correção, o
/// verificador do livro, e os testes deles, que conferem a solução do
/// professor e no kit do aluno só falhariam), o modelo do README do aluno
/// (ele vira o `README.md`) e os benchmarks que mostrariam soluções ou
/// precisam da referência.
fn skipped(relative: &Path) -> bool {
    let text = relative.to_string_lossy().replace('\\', "/");
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    text == ".git"
        || text == "target"
        || text == ".ci"
        || text == "docs/book"
        || ["target", "corpus", "artifacts", "coverage"]
            .iter()
            .any(|generated| text == format!("common/fuzz/{generated}"))
        || text == "tests/professor"
        || text == "tests/kit"
        || SKIPPED_BENCHES
            .iter()
            .any(|bench| text == format!("tests/benches/{bench}.rs"))
        || text.ends_with(".snap.new")
        || name == ".DS_Store"
}

/// O material do professor, que fica só no livro completo: a página "Para
/// o professor" (como corrigir, o isolamento, onde um aluno tentaria
/// enganar a correção), o script que mede a tabela de mutantes dela e a
/// saída do `professor kit` que ela mostra.
pub const INSTRUCTOR_ONLY: [&str; 3] = [
    "docs/src/professor.md",
    "docs/mutantes.sh",
    "docs/saidas/kit.txt",
];

/// A página do livro que, no kit, ganha a tabela "qual exercício libera cada
/// comando" do README do aluno.
const RUNNING_PAGE: &str = "docs/src/introducao-rodando.md";

/// Todos os arquivos de `root` no disco que iriam para o kit, relativos a
/// `root` (sem o que a compilação e o fuzzing geram). Serve para olhar uma
/// pasta qualquer (um kit já escrito, uma cópia); o kit em si sai de
/// [`tracked`].
pub fn files(root: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(crate::pastas::walk(root, &|dir| !skipped(dir))?
        .into_iter()
        .filter(|entry| entry.kind.is_file() && !skipped(&entry.relative))
        .map(|entry| entry.relative)
        .collect())
}

/// Os arquivos que vão para o kit: os que o git acompanha em `root` (`git
/// ls-files`), menos o que não é do aluno. Não é o disco: entregas, notas,
/// devolutivas ou anotações que estejam na pasta do workspace sem estar no
/// repositório nunca vão para a turma. Um workspace que não é um
/// repositório git é recusado.
pub fn tracked(root: &Path) -> Result<Vec<PathBuf>, String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached"])
        .output()
        .map_err(|e| {
            format!(
                "não foi possível rodar o git ({e}): o kit sai dos arquivos que o git \
                 acompanha; instale o git (sudo apt install git)"
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "{} não é um repositório git (ou o git não o lê: {}). O kit sai só dos arquivos \
             que o git acompanha, para não levar à turma entregas, notas ou outros arquivos \
             seus que estejam na pasta: rode de um clone do repositório do curso",
            root.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let mut found: Vec<PathBuf> = output
        .stdout
        .split(|b| *b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .filter(|relative| {
            !relative
                .ancestors()
                .any(|a| !a.as_os_str().is_empty() && skipped(a))
                && !INSTRUCTOR_ONLY.iter().any(|i| relative == Path::new(i))
        })
        // Um arquivo apagado do disco e ainda no índice do git fica de fora;
        // um link simbólico também (o kit copia arquivos, não links).
        .filter(|relative| {
            root.join(relative)
                .symlink_metadata()
                .is_ok_and(|m| m.is_file())
        })
        .collect();
    // Uma pasta fora do git dentro de um outro repositório (uma cópia do
    // workspace dentro de `target/`, por exemplo) responde com uma lista
    // vazia, não com um erro.
    if !found.iter().any(|f| f == Path::new("Cargo.toml")) {
        return Err(format!(
            "o Cargo.toml de {} não está no git: o kit sai só dos arquivos que o git \
             acompanha; rode de um clone do repositório do curso",
            root.display()
        ));
    }
    found.sort();
    Ok(found)
}

/// Escreve o kit de `source` em `destination` (que não pode existir ainda, ou
/// tem de estar vazia): os arquivos de [`tracked`], com os exercícios
/// tirados, o README do aluno, e o modelo do GitHub Classroom (o workflow e
/// o `autograding.json`, com os pontos de `tests/pontos.txt`).
pub fn make(source: &Path, destination: &Path) -> Result<Report, String> {
    if destination.exists() && fs::read_dir(destination).map_or(true, |mut d| d.next().is_some()) {
        return Err(format!(
            "{} já existe e não está vazia; escolha outra pasta",
            destination.display()
        ));
    }
    let mut report = Report::default();
    for relative in tracked(source)? {
        let mut from = source.join(&relative);
        let to = destination.join(&relative);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let shown = relative.to_string_lossy().replace('\\', "/");
        if shown == "README.md" && source.join(STUDENT_README).is_file() {
            from = source.join(STUDENT_README);
        }
        let extension = relative.extension().and_then(|e| e.to_str()).unwrap_or("");
        let stripped = match (shown.as_str(), extension, fs::read_to_string(&from)) {
            ("Cargo.toml", _, Ok(text)) => Some((
                quiet_unused_lints(&without_instructor_crate(&text)),
                Vec::new(),
            )),
            ("Cargo.lock", _, Ok(text)) => Some((without_instructor_packages(&text), Vec::new())),
            ("tests/Cargo.toml", _, Ok(text)) => Some((without_skipped_benches(&text), Vec::new())),
            ("docs/src/SUMMARY.md", _, Ok(text)) => {
                Some((without_instructor_pages(&text), Vec::new()))
            }
            (RUNNING_PAGE, _, Ok(text)) => {
                let readme = fs::read_to_string(source.join(STUDENT_README)).unwrap_or_default();
                let (text, regions) = strip_markdown(&text, &relative)?;
                Some((with_unlock_table(&text, &readme), regions))
            }
            (_, "rs", Ok(text)) => Some(strip_rust(&text, &relative)?),
            (_, "md", Ok(text)) => Some(strip_markdown(&text, &relative)?),
            _ => None,
        };
        match stripped {
            Some((text, regions)) => {
                fs::write(&to, text).map_err(|e| format!("{}: {e}", to.display()))?;
                report.regions.extend(regions);
            }
            None => {
                fs::copy(&from, &to).map_err(|e| format!("{}: {e}", from.display()))?;
            }
        }
        report.files += 1;
    }
    // O modelo do GitHub Classroom faz parte do kit: a base da correção (que
    // é o kit) o tem também, e um aluno que o entrega intocado não ouve que
    // ele "não faz parte do kit".
    if source.join("tests/tests").is_dir() {
        let graded = crate::notas::exercises(source, None)?;
        crate::classroom::write(destination, &graded, crate::classroom::Runner::Ubuntu)?;
        report.files += 2; // o workflow e o autograding.json
    }
    Ok(report)
}

/// O sumário do livro do kit: sem as páginas do professor.
fn without_instructor_pages(summary: &str) -> String {
    summary
        .lines()
        .filter(|line| {
            !INSTRUCTOR_ONLY
                .iter()
                .filter_map(|i| i.strip_prefix("docs/src/"))
                .any(|page| line.contains(&format!("]({page})")))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// A página "Rodando os programas" do kit, com a tabela do README do aluno
/// que diz qual exercício libera cada comando (no kit, nada roda antes dos
/// exercícios; no livro completo, tudo roda).
fn with_unlock_table(page: &str, readme: &str) -> String {
    let lines: Vec<&str> = readme.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("| Para rodar |")) else {
        return page.to_string();
    };
    let table: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    let section = format!(
        "\n## No kit: qual exercício libera cada comando\n\n\
         No kit, cada programa só funciona depois dos exercícios que ele usa; antes\n\
         disso, ele para com `not yet implemented: Exercício N`. Os testes de cada\n\
         exercício (`cargo test -p avaliacao --test exercicio_0N`) não dependem disso.\n\n\
         {}\n",
        table.join("\n")
    );
    // Logo antes de "Quando algo dá errado", para quem vai rodar o servidor
    // pela primeira vez ler antes de tentar; sem essa seção, no fim.
    match page.find("\n## Quando algo dá errado") {
        Some(at) => format!("{}{section}{}", &page[..at], &page[at..]),
        None => format!("{}\n{section}", page.trim_end_matches('\n')),
    }
}

/// Os avisos de "não usado" que o kit desliga, com o porquê.
const QUIET_LINTS: &str = "\
# Só no kit: enquanto um exercício é um `todo!()`, o que só a solução usaria
# (os parâmetros, um `use`, uma função auxiliar) parece sobrando, e cada
# `cargo test` mostraria centenas de linhas de aviso. Quer ver esses avisos
# (uma função \"nunca usada\" perto do exercício é uma dica)? Apague as três
# linhas abaixo. Na correção, este arquivo é o do professor.
unused_variables = \"allow\"
unused_imports = \"allow\"
dead_code = \"allow\"
";

/// O `Cargo.toml` da raiz do kit: o do workspace, com os avisos de "não
/// usado" desligados (veja [`QUIET_LINTS`]).
fn quiet_unused_lints(toml: &str) -> String {
    let header = "[workspace.lints.rust]\n";
    match toml.find(header) {
        Some(at) => {
            let split = at + header.len();
            format!("{}{QUIET_LINTS}{}", &toml[..split], &toml[split..])
        }
        None => format!("{toml}\n{header}{QUIET_LINTS}"),
    }
}

/// Os `members` do workspace sem o crate do professor (e sem o comentário
/// logo acima dele): a pasta não vai para o kit, e o cargo recusa um
/// membro que não existe.
fn without_instructor_crate(toml: &str) -> String {
    let lines: Vec<&str> = toml.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let comment_of_next = line.trim_start().starts_with('#')
            && lines
                .get(index + 1)
                .is_some_and(|next| next.trim() == "\"tests/professor\",");
        if line.trim() != "\"tests/professor\"," && !comment_of_next {
            kept.push(line);
        }
    }
    let mut text = kept.join("\n");
    text.push('\n');
    text
}

/// O `Cargo.lock` do kit: sem o crate do professor e sem os pacotes que só
/// ele usa (o `csv` e os dele). Com o lock do workspace inteiro, o cargo do
/// aluno veria um lock diferente do workspace do kit, e o `cargo build
/// --locked` (o da correção) recusaria. As versões dos outros ficam as
/// mesmas: o aluno compila o que o professor testou.
fn without_instructor_packages(lock: &str) -> String {
    const SEPARATOR: &str = "\n[[package]]\n";
    let mut blocks = lock.split(SEPARATOR);
    let head = blocks.next().unwrap_or_default();
    let packages: Vec<&str> = blocks.collect();
    /// O valor de `key = "..."` num bloco `[[package]]`.
    fn field<'a>(block: &'a str, key: &str) -> Option<&'a str> {
        block.lines().find_map(|line| {
            let value = line.strip_prefix(key)?.strip_prefix(" = \"")?;
            value.strip_suffix('"')
        })
    }
    let names: Vec<(Option<&str>, Option<&str>)> = packages
        .iter()
        .map(|block| (field(block, "name"), field(block, "version")))
        .collect();
    // Uma dependência no lock é "nome", ou "nome versão" quando há duas
    // versões do mesmo pacote (às vezes com a origem depois).
    let dependencies = |block: &str| -> Vec<usize> {
        let list = block
            .split_once("dependencies = [\n")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map_or("", |(list, _)| list);
        list.lines()
            .filter_map(|line| {
                let line = line.trim().trim_end_matches(',').trim_matches('"');
                let mut words = line.split_whitespace();
                let (name, version) = (words.next()?, words.next());
                names.iter().position(|&(n, v)| {
                    n == Some(name) && version.is_none_or(|version| v == Some(version))
                })
            })
            .collect()
    };
    // Os pacotes do workspace (os sem `source`), menos o do professor, e
    // tudo o que eles usam, direta ou indiretamente.
    let mut kept = vec![false; packages.len()];
    let mut pending: Vec<usize> = (0..packages.len())
        .filter(|&i| field(packages[i], "source").is_none() && names[i].0 != Some("professor"))
        .collect();
    while let Some(index) = pending.pop() {
        if !std::mem::replace(&mut kept[index], true) {
            pending.extend(dependencies(packages[index]));
        }
    }
    let mut text = head.to_string();
    for (block, _) in packages.iter().zip(&kept).filter(|(_, kept)| **kept) {
        text.push_str(SEPARATOR);
        text.push_str(block);
    }
    text
}

/// O `tests/Cargo.toml` do kit: sem as seções `[[bench]]` dos benchmarks que
/// ficam de fora (e sem os comentários logo acima delas), para o
/// `cargo bench` do kit não procurar um arquivo que não existe.
fn without_skipped_benches(toml: &str) -> String {
    let lines: Vec<&str> = toml.lines().collect();
    let mut keep = vec![true; lines.len()];
    for (index, line) in lines.iter().enumerate() {
        if line.trim() != "[[bench]]" {
            continue;
        }
        let end = lines[index + 1..]
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .map_or(lines.len(), |p| index + 1 + p);
        let skipped = lines[index + 1..end].iter().any(|l| {
            let l = l.replace(' ', "");
            SKIPPED_BENCHES
                .iter()
                .any(|bench| l == format!("name=\"{bench}\""))
        });
        if !skipped {
            continue;
        }
        let mut start = index;
        while start > 0 && lines[start - 1].trim_start().starts_with('#') {
            start -= 1;
        }
        // Os comentários e as linhas em branco no fim da seção são da próxima.
        let mut stop = end;
        while stop > index + 1
            && (lines[stop - 1].trim().is_empty() || lines[stop - 1].trim_start().starts_with('#'))
        {
            stop -= 1;
        }
        if stop < lines.len() && lines[stop].trim().is_empty() {
            stop += 1;
        }
        keep[start..stop].iter_mut().for_each(|k| *k = false);
    }
    let mut out: String = lines
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(l, _)| format!("{l}\n"))
        .collect();
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Os trechos marcados como exercício nos arquivos Rust de `source`, sem
/// escrever nada (para saber de que programa é cada exercício).
pub fn regions(source: &Path) -> Result<Vec<Region>, String> {
    let mut regions = Vec::new();
    for relative in files(source)? {
        if relative.extension().is_some_and(|e| e == "rs") {
            if let Ok(text) = fs::read_to_string(source.join(&relative)) {
                regions.extend(strip_rust(&text, &relative)?.1);
            }
        }
    }
    Ok(regions)
}

/// Linhas das soluções que aparecem no kit: não deveria haver nenhuma.
///
/// Só contam linhas com conteúdo (12 caracteres ou mais, sem ser comentário
/// de marca) que não aparecem em nenhum outro lugar do workspace original:
/// uma linha como `Ok(())` está em toda parte e não revela nada.
pub fn leaks(source: &Path, kit: &Path, report: &Report) -> Result<Vec<String>, String> {
    let solution_lines: Vec<(u32, String)> = report
        .regions
        .iter()
        .flat_map(|r| {
            r.body
                .iter()
                .map(move |l| (r.exercise, l.trim().to_string()))
        })
        .filter(|(_, l)| l.chars().count() >= 12 && !l.contains("ANCHOR"))
        .collect();
    let mut outside = String::new();
    for relative in files(source)? {
        if let Ok(text) = fs::read_to_string(source.join(&relative)) {
            let (stripped, _) = match relative.extension().and_then(|e| e.to_str()) {
                Some("rs") => strip_rust(&text, &relative)?,
                Some("md") => strip_markdown(&text, &relative)?,
                _ => (text, Vec::new()),
            };
            outside.push_str(&stripped);
        }
    }
    // Só as linhas que não aparecem fora das soluções revelam algo (uma vez
    // só: o texto de fora tem o workspace inteiro).
    let revealing: Vec<&(u32, String)> = solution_lines
        .iter()
        .filter(|(_, line)| !outside.contains(line.as_str()))
        .collect();
    let mut found = Vec::new();
    for relative in files(kit)? {
        let Ok(text) = fs::read_to_string(kit.join(&relative)) else {
            continue;
        };
        for (exercise, line) in &revealing {
            if text.contains(line.as_str()) {
                found.push(format!(
                    "{}: linha da solução do exercício {exercise}: {line}",
                    relative.display()
                ));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "fn a() -> u32 {\n    // EXERCÍCIO 2: INÍCIO\n    let segredo = 40 + 2;\n    segredo\n    // EXERCÍCIO 2: FIM\n}\n";

    #[test]
    fn trecho_rust_vira_todo() {
        let (text, regions) = strip_rust(SOURCE, Path::new("a.rs")).unwrap();
        assert_eq!(
            text,
            "fn a() -> u32 {\n    // EXERCÍCIO 2: INÍCIO\n    todo!(\"Exercício 2: escreva esta parte (o enunciado está no livro)\")\n    // EXERCÍCIO 2: FIM\n}\n"
        );
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].exercise, 2);
        assert_eq!(
            regions[0].body,
            ["    let segredo = 40 + 2;", "    segredo"]
        );
    }

    #[test]
    fn trecho_do_livro_vira_aviso() {
        let page = "antes\n<!-- EXERCÍCIO 1: INÍCIO -->\nA solução é assim.\n<!-- EXERCÍCIO 1: FIM -->\ndepois\n";
        let (text, regions) = strip_markdown(page, Path::new("p.md")).unwrap();
        assert!(!text.contains("A solução é assim."));
        assert!(text.contains("**Exercício 1.**"));
        assert_eq!(regions[0].body, ["A solução é assim."]);
    }

    #[test]
    fn kit_desliga_os_avisos_de_nao_usado() {
        let toml = "[workspace]\n\n[workspace.lints.rust]\nunsafe_op_in_unsafe_fn = \"deny\"\n";
        let quiet = quiet_unused_lints(toml);
        assert!(
            quiet.contains("[workspace.lints.rust]\n# Só no kit"),
            "{quiet}"
        );
        assert!(
            quiet.contains("dead_code = \"allow\"\nunsafe_op_in_unsafe_fn"),
            "{quiet}"
        );
        let bare = quiet_unused_lints("[workspace]\n");
        assert!(
            bare.contains("[workspace.lints.rust]\n# Só no kit"),
            "{bare}"
        );
    }

    #[test]
    fn bench_que_fica_fora_do_kit_sai_do_cargo_toml() {
        let toml = "[package]\nname = \"x\"\n\n# mede\n# tudo\n[[bench]]\nname = \"velocidade\"\nharness = false\n\n# outro\n[[bench]]\nname = \"outro\"\nharness = false\n";
        assert_eq!(
            without_skipped_benches(toml),
            "[package]\nname = \"x\"\n\n# outro\n[[bench]]\nname = \"outro\"\nharness = false\n"
        );
        let last = "[package]\n\n[[bench]]\nname = \"velocidade\"\nharness = false\n";
        assert_eq!(without_skipped_benches(last), "[package]\n");
    }

    #[test]
    fn lock_do_kit_sem_o_professor_e_sem_o_que_so_ele_usa() {
        let lock = "version = 4\n\n\
            [[package]]\nname = \"avaliacao\"\nversion = \"0.1.0\"\ndependencies = [\n \"memchr 2.7.4\",\n]\n\n\
            [[package]]\nname = \"csv\"\nversion = \"1.3.1\"\nsource = \"registry+x\"\ndependencies = [\n \"csv-core\",\n \"memchr 2.7.4\",\n]\n\n\
            [[package]]\nname = \"csv-core\"\nversion = \"0.1.12\"\nsource = \"registry+x\"\n\n\
            [[package]]\nname = \"memchr\"\nversion = \"2.7.4\"\nsource = \"registry+x\"\n\n\
            [[package]]\nname = \"memchr\"\nversion = \"3.0.0\"\nsource = \"registry+x\"\n\n\
            [[package]]\nname = \"professor\"\nversion = \"0.1.0\"\ndependencies = [\n \"avaliacao\",\n \"csv\",\n \"memchr 3.0.0\",\n]\n";
        let kit = without_instructor_packages(lock);
        assert_eq!(
            kit,
            "version = 4\n\n\
            [[package]]\nname = \"avaliacao\"\nversion = \"0.1.0\"\ndependencies = [\n \"memchr 2.7.4\",\n]\n\n\
            [[package]]\nname = \"memchr\"\nversion = \"2.7.4\"\nsource = \"registry+x\"\n"
        );
        // Sem o professor no lock, nada muda.
        assert_eq!(without_instructor_packages(&kit), kit);
    }

    #[test]
    fn sumario_do_kit_sem_a_pagina_do_professor() {
        let summary =
            "# Sumário\n\n- [Exercícios](exercicios.md)\n- [Para o professor](professor.md)\n";
        assert_eq!(
            without_instructor_pages(summary),
            "# Sumário\n\n- [Exercícios](exercicios.md)\n"
        );
    }

    #[test]
    fn pagina_rodando_ganha_a_tabela_do_readme() {
        let readme = "x\n\n| Para rodar | Faça antes os exercícios |\n|---|---|\n| `a` | 1 |\n\nfora da tabela\n";
        let page = "# Rodando\n\ntexto\n\n## Quando algo dá errado\n\nfim\n";
        let text = with_unlock_table(page, readme);
        assert!(
            text.contains("| `a` | 1 |\n\n## Quando algo dá errado"),
            "{text}"
        );
        assert!(!text.contains("fora da tabela"), "{text}");
        assert_eq!(with_unlock_table(page, "sem tabela"), page);
    }

    #[test]
    fn marcas_que_nao_fecham_sao_erro() {
        let open = "// EXERCÍCIO 1: INÍCIO\nx\n";
        assert!(
            strip_rust(open, Path::new("a.rs"))
                .unwrap_err()
                .contains("não termina")
        );
        let crossed = "// EXERCÍCIO 1: INÍCIO\n// EXERCÍCIO 2: FIM\n";
        assert!(strip_rust(crossed, Path::new("a.rs")).is_err());
        let stray = "// EXERCÍCIO 1: FIM\n";
        assert!(strip_rust(stray, Path::new("a.rs")).is_err());
    }

    #[test]
    fn kit_de_um_workspace_pequeno_nao_vaza_a_solucao() {
        let base = std::env::temp_dir().join(format!("kit-teste-{}", std::process::id()));
        let source = base.join("origem");
        let kit = base.join("kit");
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(source.join("src")).unwrap();
        fs::create_dir_all(source.join("target")).unwrap();
        fs::write(source.join("src/lib.rs"), SOURCE).unwrap();
        fs::write(source.join("target/lixo"), "x").unwrap();
        fs::create_dir_all(source.join("common/fuzz/target")).unwrap();
        fs::create_dir_all(source.join("common/fuzz/corpus/alvo")).unwrap();
        fs::write(source.join("common/fuzz/target/lixo"), "x").unwrap();
        fs::write(source.join("common/fuzz/corpus/alvo/exemplo"), "x").unwrap();
        fs::write(source.join("common/fuzz/Cargo.toml"), "[package]\n").unwrap();
        fs::write(source.join("LEIA.md"), "texto\n").unwrap();
        fs::write(source.join("Cargo.toml"), "[workspace]\n").unwrap();
        assert!(
            make(&source, &kit)
                .unwrap_err()
                .contains("não é um repositório git"),
            "sem git, o kit é recusado"
        );
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .arg("-C")
                .arg(&source)
                .args(args)
                .status();
            assert!(status.is_ok_and(|s| s.success()), "git {args:?}");
        };
        git(&["init", "-q"]);
        // Até o que a compilação e o fuzzing geram, se foi parar no git,
        // fica de fora.
        git(&["add", "-f", "."]);
        // Um arquivo que o git não acompanha (as notas da turma, por exemplo)
        // não vai para o kit, mesmo estando na pasta.
        fs::write(source.join("notas-da-turma.csv"), "ana;10\n").unwrap();
        let report = make(&source, &kit).unwrap();
        assert!(!kit.join("notas-da-turma.csv").exists());
        assert_eq!(
            report.files, 4,
            "target/ e o que o fuzzing gera ficam de fora"
        );
        assert!(leaks(&source, &kit, &report).unwrap().is_empty());
        // Se a solução aparecer em outro arquivo do kit, é vazamento.
        fs::write(kit.join("LEIA.md"), "let segredo = 40 + 2;\n").unwrap();
        assert_eq!(leaks(&source, &kit, &report).unwrap().len(), 1);
        assert!(make(&source, &kit).is_err(), "não sobrescreve um kit");
        let _ = fs::remove_dir_all(&base);
    }
}
