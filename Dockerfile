# The `tally` executable in a container: `tally node ...` for a node, `tally dashboard ...` for the dashboard.
# Build stage: the .NET SDK publishes a self-contained linux-x64 app; run stage: .NET's runtime dependencies only (no
# .NET runtime: the app carries its own), as a non-root user. deploy/docker/build-offline.sh builds the same image
# without a registry; keep the run stage in step with deploy/docker/Dockerfile.offline (a test compares them).
ARG BASE=mcr.microsoft.com/dotnet/runtime-deps:10.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Tally.Cli/Tally.Cli.csproj -c Release -r linux-x64 --self-contained -o /app --nologo

FROM ${BASE} AS run
COPY --from=build /app /app
# A fresh named volume takes the owner of the directory it is mounted on, so /data belongs to the runtime user.
RUN mkdir /data && chown app:app /data
USER app
WORKDIR /app
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /data
EXPOSE 8000 8001
ENTRYPOINT ["/app/tally"]
CMD ["--help"]
