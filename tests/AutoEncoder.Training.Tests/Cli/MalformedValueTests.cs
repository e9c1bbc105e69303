using System.CommandLine;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>
/// A value that does not parse as its option's type is one line naming the option, and exit code 1, for
/// every option of every command (it used to be an unhandled exception and exit 134).
/// </summary>
public sealed class MalformedValueTests
{
    public static TheoryData<string, string> TypedOptions()
    {
        var cases = new TheoryData<string, string>();
        foreach (Command command in AutoEncoder.Training.Cli.App.Commands().Subcommands)
            foreach (Option option in command.Options)
            {
                // Text, paths and flags take any word; these are the options a word can fail.
                Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type == typeof(string) || type == typeof(bool) || type == typeof(FileInfo) || type == typeof(DirectoryInfo)
                    || type == typeof(string[]) || !option.Name.StartsWith("--", StringComparison.Ordinal))
                    continue;
                cases.Add(command.Name, option.Name);
            }
        return cases;
    }

    [Fact]
    public void There_are_typed_options_to_check()
    {
        Assert.Contains(TypedOptions(), row => (string)row[0] == "train" && (string)row[1] == "--epochs");
    }

    [Theory]
    [MemberData(nameof(TypedOptions))]
    public void A_malformed_value_is_one_line_naming_the_option(string command, string option)
    {
        // The command's other required options (sample's --out) are given, so that the malformed value is the one problem.
        string[] required = [.. AutoEncoder.Training.Cli.App.Commands().Subcommands.Single(c => c.Name == command).Options
            .Where(o => o.Required && o.Name != option).SelectMany(o => new[] { o.Name, "given.png" })];
        (int code, _, string error) = ConsoleCapture.Run([command, option, "1.5x", .. required]);

        Assert.Equal(1, code);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option}: expected ", line);
        Assert.EndsWith("found '1.5x'", line);
    }

    [Fact]
    public void A_value_starting_with_at_is_a_value_not_a_response_file()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--label-column", "@label", "--data", "/nonexistent");

        Assert.Equal(1, code);
        Assert.DoesNotContain("Response file", error, StringComparison.Ordinal);
        Assert.StartsWith("error: /nonexistent:", error, StringComparison.Ordinal);
    }
}
