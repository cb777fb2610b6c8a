# The `tally` executable in a container: `tally node ...` for a node, `tally dashboard ...` for the dashboard.
# Build stage: the .NET SDK restores and publishes; run stage: the ASP.NET Core runtime only, as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Tally.Cli/Tally.Cli.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS run
WORKDIR /app
COPY --from=build /app ./
# A fresh named volume takes the owner of the directory it is mounted on, so /data belongs to the runtime user.
RUN mkdir /data && chown app:app /data
USER app
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /data
EXPOSE 8000 8001
ENTRYPOINT ["dotnet", "/app/tally.dll"]
CMD ["--help"]
