// tUSDT: compiled in-process with solc-js (hardhat compile would download a
// compiler) and deployed with ethers v6.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ContractFactory, type InterfaceAbi, type Signer } from 'ethers';

const require = createRequire(import.meta.url);

export interface CompiledContract {
  abi: InterfaceAbi;
  bytecode: string;
}

// Compiling takes seconds of CPU (solc-js is WebAssembly): the artifact is cached by
// source, compiler and OpenZeppelin version, and compiled again whenever one changes.
const CACHE_DIR = join(dirname(require.resolve('solc/package.json')), '..', '.cache', 'escrow-ramp');

export function compileToken(): CompiledContract {
  const source = readFileSync(fileURLToPath(new URL('./TUSDT.sol', import.meta.url)), 'utf8');
  const versions = [require('solc/package.json').version, require('@openzeppelin/contracts/package.json').version].join('|');
  const key = createHash('sha256').update(`${versions}\n${source}`).digest('hex').slice(0, 16);
  const cached = join(CACHE_DIR, `TUSDT-${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as CompiledContract;
  const compiled = compileWithSolc(source);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cached, JSON.stringify(compiled));
  return compiled;
}

function compileWithSolc(source: string): CompiledContract {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'TUSDT.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const findImports = (path: string) => {
    try {
      return { contents: readFileSync(require.resolve(path), 'utf8') };
    } catch (err) {
      return { error: `cannot import ${path}: ${(err as Error).message}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length)
    throw new Error(`TUSDT.sol does not compile: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts['TUSDT.sol'].TUSDT;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

export async function deployToken(
  deployer: Signer,
  {
    name = 'Test USDT',
    symbol = 'tUSDT',
    supply,
    artifact,
  }: { name?: string; symbol?: string; supply: bigint; artifact?: CompiledContract },
): Promise<string> {
  const { abi, bytecode } = artifact ?? compileToken();
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(name, symbol, supply);
  await contract.waitForDeployment();
  return contract.getAddress();
}
