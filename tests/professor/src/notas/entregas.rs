//! As entregas de uma turma, como elas chegam ao professor:
//!
//! - uma subpasta por aluno (o nome da pasta é o nome do aluno), com o
//!   workspace na raiz dela ou uma ou duas pastas abaixo (`ana/kit-turma/`);
//! - um `.zip` por aluno (`ana.zip`);
//! - o "baixar todas as entregas" do Moodle: uma pasta por aluno chamada
//!   `Nome Sobrenome_123456_assignsubmission_file_`, com um `.zip` ou os
//!   arquivos dentro (ou, sem pastas, arquivos com esse prefixo).
//!
//! Cada entrega tem uma **chave**, que a identifica em tudo o que a correção
//! escreve (a pasta de trabalho, a nota guardada, `--aluno`, o CSV, o nome da
//! devolutiva):
//!
//! - no Moodle, o número do participante decide quem é quem: a chave é
//!   `Nome_número` (`Ana Souza_10001`), e dois alunos com o mesmo nome e
//!   números diferentes são dois alunos;
//! - fora do Moodle (pastas, `.zip`, repositórios do GitHub Classroom, que
//!   têm o login no nome), a chave é o nome como veio. Dois nomes que viram a
//!   mesma pasta (`Ana Souza` e `Ana_Souza`) ganham um sufixo (`-2`), e isso
//!   é avisado.
//!
//! Tudo o que não é entrega aparece em [`Found::skipped`], com o motivo.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::isolamento::Sandbox;
use super::selecao::STUDENT_FOLDERS;

/// Até quantas pastas abaixo procurar o workspace numa entrega.
const MAX_DEPTH: usize = 3;

/// O máximo que um `.zip` de entrega pode ter, aberto: o kit inteiro, sem
/// `target/`, tem menos de 5 MB; 200 MiB deixam folga para imagens e
/// anotações, e impedem que uma bomba de compressão (4,6 MB que viram
/// 4 GiB) encha o disco do professor.
pub const MAX_UNZIPPED: u64 = 200 << 20;

/// O máximo que o `.zip` da turma inteira (o "baixar todas as entregas" do
/// Moodle) pode ter, aberto: cem entregas de 20 MB.
pub const MAX_CLASS_UNZIPPED: u64 = 2 << 30;

/// O máximo de arquivos num `.zip` de entrega (o kit tem algumas centenas).
pub const MAX_ZIPPED_FILES: u64 = 20_000;

/// Pastas que não são abertas de um `.zip`: a compilação (`target/`, que
/// pode ter mais de 1 GB e a correção refaz) e o histórico do git.
const NOT_UNZIPPED: [&str; 4] = ["target/*", "*/target/*", ".git/*", "*/.git/*"];

/// Quem mandou uma entrega.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// O nome, com os caracteres de controle escritos como texto (`\x1b`).
    pub name: String,
    /// O número do participante no Moodle, quando há.
    pub id: Option<String>,
}

/// Uma entrega achada.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// A chave: o que identifica a entrega em tudo o que a correção escreve.
    pub key: String,
    /// Quem mandou.
    pub person: Person,
    /// A pasta com o workspace.
    pub path: PathBuf,
}

/// O que foi achado na pasta da turma.
#[derive(Debug, Default)]
pub struct Found {
    /// As entregas, na ordem dos nomes na pasta.
    pub submissions: Vec<Submission>,
    /// O que não virou entrega, com o motivo.
    pub skipped: Vec<String>,
    /// O que o professor deve saber sobre as que viraram (um nome trocado
    /// por causa de outro igual, um reenvio que ficou de fora).
    pub notices: Vec<String>,
}

impl Found {
    /// As entregas como a correção as recebe: a chave e a pasta.
    pub fn keyed(&self) -> Vec<(String, PathBuf)> {
        self.submissions
            .iter()
            .map(|s| (s.key.clone(), s.path.clone()))
            .collect()
    }

    /// Quem é cada chave.
    pub fn people(&self) -> BTreeMap<String, Person> {
        self.submissions
            .iter()
            .map(|s| (s.key.clone(), s.person.clone()))
            .collect()
    }

    /// As chaves de `wanted`: a chave, o número do Moodle ou o nome (se só
    /// um aluno tem esse nome).
    pub fn matching(&self, wanted: &str) -> Result<Vec<&Submission>, String> {
        let by_key: Vec<&Submission> = self
            .submissions
            .iter()
            .filter(|s| s.key == wanted || s.person.id.as_deref() == Some(wanted))
            .collect();
        if !by_key.is_empty() {
            return Ok(by_key);
        }
        let by_name: Vec<&Submission> = self
            .submissions
            .iter()
            .filter(|s| s.person.name == wanted)
            .collect();
        if by_name.len() > 1 {
            let keys: Vec<&str> = by_name.iter().map(|s| s.key.as_str()).collect();
            return Err(format!(
                "há {} entregas de {}: diga qual com --aluno {}",
                by_name.len(),
                shown(wanted),
                keys.join(" ou --aluno ")
            ));
        }
        Ok(by_name)
    }
}

/// Um nome para mostrar: cada caractere de controle (um `ESC` que mudaria as
/// cores do terminal, uma quebra de linha que inventaria uma linha nova no
/// CSV ou na devolutiva) vira texto, `\x1b`, `\n`.
pub fn shown(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Quem mandou, pelo nome de uma entrada da pasta da turma: no Moodle,
/// `Ana Souza_123456_assignsubmission_file_` → `Ana Souza`, número `123456`;
/// outros nomes ficam como estão, sem a extensão `.zip`.
pub fn person(entry: &str) -> Person {
    let stem = entry
        .strip_suffix(".zip")
        .or_else(|| entry.strip_suffix(".ZIP"))
        .unwrap_or(entry);
    if let Some(at) = stem.find("_assignsubmission_") {
        let before = &stem[..at];
        if let Some((name, id)) = before.rsplit_once('_') {
            if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
                return Person {
                    name: shown(name),
                    id: Some(id.to_string()),
                };
            }
        }
        return Person {
            name: shown(before),
            id: None,
        };
    }
    Person {
        name: shown(stem),
        id: None,
    }
}

/// O nome do aluno num nome do Moodle (veja [`person`]).
pub fn student_name(entry: &str) -> String {
    person(entry).name
}

/// A pasta abaixo de `dir` (até `MAX_DEPTH` níveis) que tem o workspace do
/// kit: a primeira, em ordem alfabética, que tenha uma das pastas de código.
pub fn find_workspace(dir: &Path) -> Option<PathBuf> {
    let has_code = |dir: &Path| STUDENT_FOLDERS.iter().any(|f| dir.join(f).is_dir());
    if has_code(dir) {
        return Some(dir.to_path_buf());
    }
    let wanted = |relative: &Path| {
        relative.file_name().is_some_and(|name| {
            let name = name.to_string_lossy();
            !name.starts_with('.') && name != "target" && name != "__MACOSX"
        })
    };
    // O passeio não segue links: uma pasta-link não é candidata, e não se
    // entra nela.
    let descend = |relative: &Path| wanted(relative) && relative.components().count() < MAX_DEPTH;
    crate::pastas::walk(dir, &descend)
        .ok()?
        .into_iter()
        .filter(|entry| entry.kind.is_dir() && wanted(&entry.relative))
        .map(|entry| dir.join(entry.relative))
        .find(|candidate| has_code(candidate))
}

/// Uma entrada da pasta da turma que pode ser uma entrega.
struct Entry {
    /// O nome na pasta.
    name: String,
    path: PathBuf,
    person: Person,
    /// Quando o arquivo (ou a pasta) mudou: entre dois envios do mesmo
    /// participante, fica o mais novo.
    modified: SystemTime,
}

/// Acha as entregas em `folder`. Os `.zip` são abertos (numa caixa, com
/// `unzip`) em `unpacked`, uma pasta por chave.
pub fn discover(folder: &Path, unpacked: &Path, sandbox: &Sandbox) -> Result<Found, String> {
    let mut listed: Vec<fs::DirEntry> = fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .flatten()
        .collect();
    listed.sort_by_key(|e| e.file_name());
    let mut found = Found::default();
    let mut entries: Vec<Entry> = Vec::new();
    for entry in listed {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if WRITTEN_BY_GRADER.contains(&name.as_str()) {
            continue; // o que a própria correção escreve
        }
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", shown(&name)))?;
        let is_zip = kind.is_file() && name.to_lowercase().ends_with(".zip");
        if !kind.is_dir() && !is_zip {
            found
                .skipped
                .push(format!("{}: não é uma pasta nem um .zip", shown(&name)));
            continue;
        }
        let person = person(&name);
        if person.name.trim().is_empty() {
            found.skipped.push(format!(
                "{}: o nome do aluno está vazio; não sei de quem é (renomeie a entrada com o nome)",
                shown(&name)
            ));
            continue;
        }
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        entries.push(Entry {
            name,
            path: entry.path(),
            person,
            modified,
        });
    }

    // Dois envios do mesmo participante do Moodle (dois arquivos com o mesmo
    // número): fica o mais novo.
    let mut newest: BTreeMap<String, usize> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if let Some(id) = &entry.person.id {
            match newest.get(id) {
                Some(&other) if entries[other].modified >= entry.modified => {}
                _ => {
                    newest.insert(id.clone(), index);
                }
            }
        }
    }
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        if let Some(id) = &entry.person.id {
            let kept = newest[id];
            if kept != index {
                found.notices.push(format!(
                    "{}: outro envio do participante {id}; ficou o mais novo, {}",
                    shown(&entry.name),
                    shown(&entries[kept].name)
                ));
                continue;
            }
        }
        let key = unique_key(entry, &mut used);
        if let Some(first) = key.1 {
            found.notices.push(format!(
                "{}: o nome vira a mesma pasta que o de {first}; fica como {}",
                shown(&entry.name),
                key.0
            ));
        }
        let key = key.0;
        let cell = unpacked.join(super::cell_name(&key));
        let workspace = if entry.path.is_dir() {
            match find_workspace(&entry.path) {
                Some(workspace) => Ok(workspace),
                None => match zips_in(&entry.path).as_slice() {
                    [] => Err(format!(
                        "sem o workspace do kit ({}) nem um .zip",
                        STUDENT_FOLDERS.join(", ")
                    )),
                    [zip] => unzip(zip, &cell, sandbox),
                    zips => {
                        let zip = newest_file(zips);
                        found.notices.push(format!(
                            "{}: {} arquivos .zip; ficou o mais novo, {}",
                            shown(&entry.name),
                            zips.len(),
                            shown(&zip.file_name().unwrap_or_default().to_string_lossy())
                        ));
                        unzip(&zip, &cell, sandbox)
                    }
                },
            }
        } else {
            unzip(&entry.path, &cell, sandbox)
        };
        match workspace {
            Ok(path) => found.submissions.push(Submission {
                key,
                person: entry.person.clone(),
                path,
            }),
            Err(why) => found.skipped.push(format!("{}: {why}", shown(&entry.name))),
        }
    }
    Ok(found)
}

/// O que a própria correção escreve na pasta da turma (não são entregas).
pub const WRITTEN_BY_GRADER: [&str; 4] = [
    "notas.csv",
    "devolutiva",
    "semelhancas.txt",
    super::planilha::OUTPUT,
];

/// A chave de uma entrega: `Nome_número` no Moodle; fora dele, o nome. Se a
/// pasta dessa chave já é de outra entrega (`Ana Souza` e `Ana_Souza` viram
/// a mesma pasta, `Ana_Souza`), ganha um sufixo, `-2`, `-3`...; devolve
/// também a chave com que colidiu.
fn unique_key(entry: &Entry, used: &mut BTreeMap<String, String>) -> (String, Option<String>) {
    let base = match &entry.person.id {
        Some(id) => format!("{}_{id}", entry.person.name),
        None => entry.person.name.clone(),
    };
    let mut key = base.clone();
    let mut clash = None;
    let mut suffix = 2;
    while let Some(other) = used.get(&super::cell_name(&key).to_lowercase()) {
        clash.get_or_insert_with(|| other.clone());
        key = format!("{base}-{suffix}");
        suffix += 1;
    }
    // Em minúsculas: num disco que não distingue maiúsculas (o do macOS,
    // por exemplo), `Ana` e `ana` seriam a mesma pasta.
    used.insert(super::cell_name(&key).to_lowercase(), key.clone());
    (key, clash)
}

/// O mais novo de `files` (pela data de modificação; no empate, o último
/// em ordem alfabética).
fn newest_file(files: &[PathBuf]) -> PathBuf {
    files
        .iter()
        .max_by_key(|p| {
            (
                fs::metadata(p)
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH),
                (*p).clone(),
            )
        })
        .cloned()
        .unwrap_or_default()
}

/// Os `.zip` logo dentro de `dir`.
fn zips_in(dir: &Path) -> Vec<PathBuf> {
    let mut zips: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                // Um link com nome .zip não é seguido, como no resto da correção.
                .filter(|e| e.file_type().is_ok_and(|kind| kind.is_file()))
                .map(|e| e.path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("zip"))
                })
                .collect()
        })
        .unwrap_or_default();
    zips.sort();
    zips
}

/// Abre `zip` em `destination` (apagada antes) e acha o workspace dentro.
fn unzip(zip: &Path, destination: &Path, sandbox: &Sandbox) -> Result<PathBuf, String> {
    let limits = (MAX_UNZIPPED, MAX_ZIPPED_FILES);
    let content = extract(zip, destination, sandbox, &NOT_UNZIPPED, limits)?;
    find_workspace(&content).ok_or_else(|| {
        format!(
            "o .zip não tem o workspace do kit ({})",
            STUDENT_FOLDERS.join(", ")
        )
    })
}

/// O tamanho aberto e o número de arquivos de um `.zip`, pela lista do
/// `unzip -l`, sem contar o que casa com `excluded`.
pub fn listed_size(listing: &str, excluded: &[&str]) -> (u64, u64) {
    let mut bytes = 0u64;
    let mut files = 0u64;
    let mut inside = false;
    for line in listing.lines() {
        if line.trim_start().starts_with("---------") {
            if inside {
                break;
            }
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(length), Some(_date), Some(_time)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        let Ok(length) = length.parse::<u64>() else {
            continue;
        };
        let name: Vec<&str> = words.collect();
        let name = name.join(" ").replace('\\', "/");
        if excluded
            .iter()
            .any(|pattern| matches_pattern(&name, pattern))
        {
            continue;
        }
        bytes = bytes.saturating_add(length);
        files += 1;
    }
    (bytes, files)
}

/// `target/*` e `*/target/*`, como o `unzip -x` entende (o `*` do `unzip`
/// atravessa `/`).
fn matches_pattern(name: &str, pattern: &str) -> bool {
    match (pattern.strip_prefix("*/"), pattern.strip_suffix("/*")) {
        (Some(rest), _) => {
            let folder = rest.strip_suffix("/*").unwrap_or(rest);
            name.contains(&format!("/{folder}/"))
        }
        (None, Some(folder)) => name.starts_with(&format!("{folder}/")),
        _ => name == pattern,
    }
}

/// Abre `zip` em `destination/conteudo` (`destination` é apagada antes) e
/// devolve essa pasta. O `unzip` roda na caixa: um arquivo com `../` no nome
/// ou uma bomba de compressão só alcança a pasta de destino, e por tempo
/// limitado. Antes de abrir, o tamanho que o `.zip` declara é conferido
/// ([`MAX_UNZIPPED`], [`MAX_ZIPPED_FILES`]); depois, o que ficou no disco
/// também (um `.zip` pode mentir o tamanho).
fn extract(
    zip: &Path,
    destination: &Path,
    sandbox: &Sandbox,
    excluded: &[&str],
    (max_bytes, max_files): (u64, u64),
) -> Result<PathBuf, String> {
    let _ = fs::remove_dir_all(destination);
    fs::create_dir_all(destination).map_err(|e| format!("{}: {e}", destination.display()))?;
    let inside = destination.join("entrega.zip");
    fs::copy(zip, &inside).map_err(|e| format!("{}: {e}", zip.display()))?;
    let unzip = |args: &[&str]| {
        let time = std::time::Duration::from_secs(120);
        let job = super::isolamento::Job::new(destination, "unzip", args, time);
        sandbox.run(&job).map_err(|e| {
            format!("não foi possível rodar o unzip (instale: sudo apt install unzip): {e}")
        })
    };
    let listing = unzip(&["-l", "entrega.zip"])?;
    if !opened(&listing) {
        let _ = fs::remove_dir_all(destination);
        return Err(format!("o .zip não abriu: {}", first_line(&listing.all())));
    }
    let (bytes, files) = listed_size(&listing.output, excluded);
    if bytes > max_bytes || files > max_files {
        let _ = fs::remove_dir_all(destination);
        return Err(format!(
            "o .zip aberto teria {} MiB em {files} arquivos (o máximo é {} MiB e {max_files} \
             arquivos); sem a pasta target/, o kit tem poucos MB",
            bytes >> 20,
            max_bytes >> 20
        ));
    }
    let mut args = vec!["-q", "-o", "entrega.zip", "-d", "conteudo"];
    if !excluded.is_empty() {
        args.push("-x");
        args.extend_from_slice(excluded);
    }
    let run = unzip(&args)?;
    let _ = fs::remove_file(&inside);
    let content = destination.join("conteudo");
    if !opened(&run) {
        let _ = fs::remove_dir_all(destination);
        return Err(format!("o .zip não abriu: {}", first_line(&run.all())));
    }
    let (written, count) = match disk_usage(&content) {
        Ok(usage) => usage,
        Err(e) => {
            let _ = fs::remove_dir_all(destination);
            return Err(format!("o .zip aberto não pôde ser lido: {e}"));
        }
    };
    if written > max_bytes || count > max_files {
        let _ = fs::remove_dir_all(destination);
        return Err(format!(
            "o .zip aberto passou de {} MiB ou {max_files} arquivos (declarava menos)",
            max_bytes >> 20
        ));
    }
    normalize_backslashes(&content)?;
    Ok(content)
}

/// O `unzip` abriu? O código 1 é "abriu, com avisos": é o que ele diz de um
/// `.zip` feito pelo `Compress-Archive` de um PowerShell antigo, que separa
/// as pastas com `\\` ("appears to use backslashes as path separators").
fn opened(run: &super::isolamento::Run) -> bool {
    matches!(
        run.ending,
        super::isolamento::Ending::Exited(Some(0)) | super::isolamento::Ending::Exited(Some(1))
    )
}

fn first_line(text: &str) -> String {
    shown(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""))
}

/// Quantos bytes e arquivos há abaixo de `dir` (sem seguir links). Uma
/// pasta que não pode ser lida (um `.zip` pode trazer uma pasta sem
/// permissão de leitura) é um erro: um limite não pode deixar de contar.
fn disk_usage(dir: &Path) -> Result<(u64, u64), String> {
    if !dir.exists() {
        return Ok((0, 0));
    }
    let mut bytes = 0u64;
    let mut files = 0u64;
    for entry in crate::pastas::walk(dir, &|_| true)? {
        if entry.kind.is_dir() {
            continue;
        }
        let size = fs::symlink_metadata(dir.join(&entry.relative)).map_or(0, |m| m.len());
        bytes = bytes.saturating_add(size);
        files += 1;
    }
    Ok((bytes, files))
}

/// Um arquivo aberto com `\\` no nome (`kit\\udp-echo\\src\\server.rs`, de
/// um `.zip` do Windows que o `unzip` não converteu) vai para o caminho com
/// pastas de verdade. Nomes com `..` ou vazios entre as barras ficam onde
/// estão (e a seleção os ignora).
fn normalize_backslashes(content: &Path) -> Result<(), String> {
    if !content.exists() {
        return Ok(()); // um .zip vazio: quem procura o workspace diz o que falta
    }
    let mut moves = Vec::new();
    for entry in crate::pastas::walk(content, &|_| true)? {
        let name = entry.relative.file_name().unwrap_or_default();
        let name = name.to_string_lossy().into_owned();
        if entry.kind.is_file() && name.contains('\\') {
            let dir = content.join(entry.relative.parent().unwrap_or(Path::new("")));
            moves.push((content.join(&entry.relative), dir, name));
        }
    }
    for (from, dir, name) in moves {
        let parts: Vec<&str> = name.split('\\').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
        {
            continue;
        }
        let to = parts.iter().fold(dir, |path, part| path.join(part));
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::rename(&from, &to).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

/// A pasta da turma quando o professor passa um `.zip` (o "baixar todas as
/// entregas" do Moodle vem assim): `turma.zip` é aberto, na caixa, em
/// `turma/` ao lado dele, na primeira vez; nas seguintes (`--aluno`), a pasta
/// já aberta é usada. Outra coisa que não um `.zip` volta como veio.
pub fn open_class(path: &Path, sandbox: &Sandbox) -> Result<PathBuf, String> {
    let is_zip = path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("zip"));
    if !is_zip {
        return Ok(path.to_path_buf());
    }
    let folder = path.with_extension("");
    if folder.join("conteudo").is_dir() {
        return Ok(folder.join("conteudo"));
    }
    if folder.exists() {
        return Err(format!(
            "{} já existe e não é a turma aberta daquele .zip: mova-a ou abra o .zip você mesmo",
            folder.display()
        ));
    }
    eprintln!("abrindo {} em {}...", path.display(), folder.display());
    let limits = (MAX_CLASS_UNZIPPED, MAX_ZIPPED_FILES * 10);
    extract(path, &folder, sandbox, &NOT_UNZIPPED, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nomes_do_moodle() {
        assert_eq!(
            person("Ana Souza_123456_assignsubmission_file_"),
            Person {
                name: "Ana Souza".into(),
                id: Some("123456".into())
            }
        );
        assert_eq!(
            student_name("João da Silva_98_assignsubmission_file_kit.zip"),
            "João da Silva"
        );
        assert_eq!(person("bruno.zip").id, None);
        assert_eq!(student_name("bruno.zip"), "bruno");
        assert_eq!(student_name("carla"), "carla");
        assert_eq!(person("_1_assignsubmission_file_.zip").name, "");
        assert_eq!(student_name("a\u{1b}[2Jb\nc"), "a\\x1b[2Jb\\nc");
    }

    /// Uma pasta nova para um teste, vazia.
    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("entregas-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        root
    }

    /// Escreve um `.zip` com `files` (nome, conteúdo), pelo Python; `false`
    /// se não há python3.
    fn zip(path: &Path, files: &[(&str, &str)]) -> bool {
        let script = "import sys, zipfile\n\
                      z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
                      args = sys.argv[2:]\n\
                      for name, text in zip(args[::2], args[1::2]):\n    \
                      z.writestr(name, text)\n\
                      z.close()\n";
        let mut command = std::process::Command::new("python3");
        command.args(["-c", script]).arg(path);
        for (name, text) in files {
            command.args([name, text]);
        }
        command.status().is_ok_and(|s| s.success())
    }

    /// Sem `unzip` ou `python3`, o teste não roda: ignorado com o motivo
    /// (sob `CI=true`, falha).
    fn tools() -> Option<Sandbox> {
        let has = |tool: &str| {
            std::process::Command::new(tool)
                .arg("-h")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok()
        };
        if has("unzip") && has("python3") {
            return Some(Sandbox::unisolated().unwrap());
        }
        crate::skip("sem unzip ou python3");
        None
    }

    const KIT_FILE: &str = "udp-echo/src/lib.rs";

    #[test]
    fn homonimos_do_moodle_sao_dois_alunos_e_o_reenvio_mais_novo_fica() {
        let Some(sandbox) = tools() else { return };
        let root = scratch("homonimos");
        let class = root.join("turma");
        for (folder, text) in [
            ("Ana Souza_10001_assignsubmission_file_", "// solução"),
            ("Ana Souza_10004_assignsubmission_file_", "// kit"),
        ] {
            fs::create_dir_all(class.join(folder)).unwrap();
            assert!(zip(
                &class.join(folder).join("kit.zip"),
                &[(KIT_FILE, text)]
            ));
        }
        // Dois arquivos do mesmo participante, sem pastas: fica o mais novo.
        let old = class.join("Bia_10002_assignsubmission_file_velho.zip");
        let new = class.join("Bia_10002_assignsubmission_file_novo.zip");
        assert!(zip(&old, &[(KIT_FILE, "// velho")]));
        assert!(zip(&new, &[(KIT_FILE, "// novo")]));
        let past = SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(past)
            .unwrap();
        // Um nome vazio: recusado, e os outros seguem.
        assert!(zip(
            &class.join("_10003_assignsubmission_file_.zip"),
            &[(KIT_FILE, "x")]
        ));

        let found = discover(&class, &root.join("extraidas"), &sandbox).unwrap();
        let keys: Vec<&str> = found.submissions.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            ["Ana Souza_10001", "Ana Souza_10004", "Bia_10002"],
            "{found:?}"
        );
        let text = |index: usize| {
            fs::read_to_string(found.submissions[index].path.join(KIT_FILE)).unwrap()
        };
        assert_eq!(text(0), "// solução", "cada um com o seu .zip");
        assert_eq!(text(1), "// kit");
        assert_eq!(text(2), "// novo");
        assert_eq!(found.submissions[1].person.id.as_deref(), Some("10004"));
        assert!(
            found
                .notices
                .iter()
                .any(|n| n.contains("velho") && n.contains("ficou o mais novo")),
            "{found:?}"
        );
        assert!(
            found
                .skipped
                .iter()
                .any(|s| s.contains("o nome do aluno está vazio")),
            "{found:?}"
        );
        assert_eq!(found.matching("10004").unwrap().len(), 1);
        assert!(
            found.matching("Ana Souza").is_err(),
            "dois com o mesmo nome"
        );
        assert_eq!(found.matching("Bia").unwrap()[0].key, "Bia_10002");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn nomes_que_viram_a_mesma_pasta_ganham_sufixo() {
        let Some(sandbox) = tools() else { return };
        let root = scratch("colisao");
        let class = root.join("turma");
        fs::create_dir_all(&class).unwrap();
        assert!(zip(&class.join("Ana Souza.zip"), &[(KIT_FILE, "// 1")]));
        assert!(zip(&class.join("Ana_Souza.zip"), &[(KIT_FILE, "// 2")]));
        assert!(zip(&class.join("=1+1.zip"), &[(KIT_FILE, "// 3")]));
        let found = discover(&class, &root.join("extraidas"), &sandbox).unwrap();
        let keys: Vec<&str> = found.submissions.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["=1+1", "Ana Souza", "Ana_Souza-2"], "{found:?}");
        assert_eq!(
            fs::read_to_string(found.submissions[2].path.join(KIT_FILE)).unwrap(),
            "// 2"
        );
        assert_eq!(
            fs::read_to_string(found.submissions[1].path.join(KIT_FILE)).unwrap(),
            "// 1"
        );
        assert!(
            found.notices.iter().any(|n| n.contains("Ana_Souza-2")),
            "{found:?}"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn zip_com_barras_invertidas_abre_com_os_caminhos_certos() {
        let Some(sandbox) = tools() else { return };
        let root = scratch("barras");
        let class = root.join("turma");
        fs::create_dir_all(&class).unwrap();
        // Como o Compress-Archive de um PowerShell antigo escreve.
        assert!(zip(
            &class.join("carla.zip"),
            &[
                ("kit-turma\\udp-echo\\src\\lib.rs", "// carla"),
                ("kit-turma\\target\\debug\\lixo", "x"),
            ]
        ));
        let found = discover(&class, &root.join("extraidas"), &sandbox).unwrap();
        assert_eq!(found.submissions.len(), 1, "{found:?}");
        let workspace = &found.submissions[0].path;
        assert_eq!(
            fs::read_to_string(workspace.join(KIT_FILE)).unwrap(),
            "// carla"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn bomba_de_compressao_e_recusada_antes_de_abrir() {
        let Some(sandbox) = tools() else { return };
        let root = scratch("bomba");
        let class = root.join("turma");
        fs::create_dir_all(&class).unwrap();
        // 201 MiB de zeros, uns 200 KB comprimidos.
        let script = "import sys, zipfile\n\
                      z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n\
                      z.writestr('udp-echo/src/lib.rs', '')\n\
                      z.writestr('udp-echo/src/zeros.rs', bytes(201 << 20))\n\
                      z.close()\n";
        let made = std::process::Command::new("python3")
            .args(["-c", script])
            .arg(class.join("bomba.zip"))
            .status();
        assert!(made.is_ok_and(|s| s.success()));
        let found = discover(&class, &root.join("extraidas"), &sandbox).unwrap();
        assert!(found.submissions.is_empty(), "{found:?}");
        assert!(found.skipped[0].contains("o máximo é 200 MiB"), "{found:?}");
        assert_eq!(
            disk_usage(&root.join("extraidas")).unwrap().0,
            0,
            "nada ficou aberto"
        );
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn tamanho_declarado_sem_target() {
        let listing = "Archive:  entrega.zip\n  Length      Date    Time    Name\n---------  ---------- -----   ----\n     1000  2026-01-01 10:00   kit/udp-echo/src/lib.rs\n999999999  2026-01-01 10:00   kit/target/debug/x\n       10  2026-01-01 10:00   nome com espaço.rs\n---------                     -------\n1000001009                     3 files\n";
        assert_eq!(listed_size(listing, &NOT_UNZIPPED), (1010, 2));
        assert_eq!(listed_size(listing, &[]), (1_000_001_009, 3));
    }

    #[test]
    fn turma_do_moodle_num_zip_so_e_aberta_e_achada() {
        let root = std::env::temp_dir().join(format!("moodle-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let export = root.join("exportado");
        let ana = export.join("Ana Souza_123_assignsubmission_file_/kit-turma/udp-echo/src");
        fs::create_dir_all(&ana).unwrap();
        fs::write(ana.join("lib.rs"), "").unwrap();
        fs::create_dir_all(export.join("Bruno_456_assignsubmission_file_")).unwrap();
        fs::write(
            export.join("Bruno_456_assignsubmission_file_/leia.txt"),
            "x",
        )
        .unwrap();
        let zip = root.join("turma.zip");
        // O zip do Moodle: as pastas dos alunos na raiz.
        let made = std::process::Command::new("python3")
            .args([
                "-c",
                "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', sys.argv[2])",
            ])
            .arg(root.join("turma"))
            .arg(&export)
            .status();
        if !made.is_ok_and(|s| s.success()) {
            return crate::skip("sem python3 para criar o .zip");
        }
        let sandbox = Sandbox::unisolated().unwrap();
        let folder = open_class(&zip, &sandbox).unwrap();
        assert_eq!(folder, root.join("turma/conteudo"));
        let found = discover(&folder, &root.join("extraidas"), &sandbox).unwrap();
        assert_eq!(found.submissions.len(), 1, "{found:?}");
        assert_eq!(found.submissions[0].key, "Ana Souza_123");
        assert_eq!(found.submissions[0].person.name, "Ana Souza");
        assert!(found.skipped[0].starts_with("Bruno_456"), "{found:?}");
        // Na segunda vez (corrigir um aluno de novo), a pasta aberta serve.
        assert_eq!(open_class(&zip, &sandbox).unwrap(), folder);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn workspace_uma_pasta_abaixo() {
        let root = std::env::temp_dir().join(format!("entregas-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("ana/kit-turma/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("ana/__MACOSX/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("bruno/vazio")).unwrap();
        assert_eq!(
            find_workspace(&root.join("ana")),
            Some(root.join("ana/kit-turma"))
        );
        assert_eq!(find_workspace(&root.join("bruno")), None);
        let _ = fs::remove_dir_all(&root);
    }

    /// Até `MAX_DEPTH` pastas abaixo, sem entrar em pastas ocultas nem em
    /// links: um link para a solução do professor não vira entrega.
    #[cfg(unix)]
    #[test]
    fn workspace_nem_fundo_demais_nem_por_um_link() {
        let root = std::env::temp_dir().join(format!("entregas-fundo-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("ana/a/b/c/d/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("caio/a/b/c/tcp-echo/src")).unwrap();
        fs::create_dir_all(root.join("dora/.oculta/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("solucao/udp-echo/src")).unwrap();
        fs::create_dir_all(root.join("edu")).unwrap();
        std::os::unix::fs::symlink(root.join("solucao"), root.join("edu/link")).unwrap();
        assert_eq!(find_workspace(&root.join("ana")), None);
        assert_eq!(
            find_workspace(&root.join("caio")),
            Some(root.join("caio/a/b/c"))
        );
        assert_eq!(find_workspace(&root.join("dora")), None);
        assert_eq!(find_workspace(&root.join("edu")), None);
        let _ = fs::remove_dir_all(&root);
    }
}
