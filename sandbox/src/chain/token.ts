// tUSDT: compiled in-process with solc-js (hardhat compile would download a
// compiler) and deployed with ethers v6.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ContractFactory, type InterfaceAbi, type Signer } from 'ethers';

const require = createRequire(import.meta.url);

export const ERC20_ABI = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
] as const;

export interface CompiledContract {
  abi: InterfaceAbi;
  bytecode: string;
}

export function compileToken(): CompiledContract {
  const source = readFileSync(fileURLToPath(new URL('./TUSDT.sol', import.meta.url)), 'utf8');
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
  if (errors.length) throw new Error(`TUSDT.sol does not compile: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts['TUSDT.sol'].TUSDT;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

export async function deployToken(
  deployer: Signer,
  { name = 'Test USDT', symbol = 'tUSDT', supply }: { name?: string; symbol?: string; supply: bigint },
): Promise<string> {
  const { abi, bytecode } = compileToken();
  const contract = await new ContractFactory(abi, bytecode, deployer).deploy(name, symbol, supply);
  await contract.waitForDeployment();
  return contract.getAddress();
}
