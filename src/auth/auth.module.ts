import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { READ_CONNECTION } from '../database/database.constants';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtStrategy } from './jwt.strategy';
import { LoginAttempt, LoginAttemptSchema } from './login-throttle/login-attempt.schema';
import { LoginThrottleService } from './login-throttle/login-throttle.service';
import { MfaController } from './mfa/mfa.controller';
import { MfaService } from './mfa/mfa.service';
import { PasswordHasher } from './password-hasher';
import { RevokedToken, RevokedTokenSchema } from './sessions/revoked-token.schema';
import { SessionsPurge } from './sessions/sessions-purge.service';
import { SessionsRepository } from './sessions/sessions.repository';
import { UsedCode, UsedCodeSchema } from './sessions/used-code.schema';
import { TokensService } from './tokens.service';
import { IdentityCache } from './users/identity-cache';
import { User, UserSchema } from './users/user.schema';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { ADMIN_NOTICE_WRITER, UsersService, writeToConsole } from './users/users.service';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: {
          algorithm: 'HS256',
          expiresIn: config.jwt.expiresInSeconds,
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
        },
      }),
    }),
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: LoginAttempt.name, schema: LoginAttemptSchema },
      { name: RevokedToken.name, schema: RevokedTokenSchema },
      { name: UsedCode.name, schema: UsedCodeSchema },
    ]),
    MongooseModule.forFeature(
      [
        { name: User.name, schema: UserSchema },
        { name: RevokedToken.name, schema: RevokedTokenSchema },
      ],
      READ_CONNECTION,
    ),
  ],
  controllers: [AuthController, UsersController, MfaController],
  providers: [
    AuthService,
    TokensService,
    MfaService,
    SessionsRepository,
    SessionsPurge,
    { provide: ADMIN_NOTICE_WRITER, useValue: writeToConsole },
    UsersService,
    UsersRepository,
    { provide: IdentityCache, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new IdentityCache(config.identityCacheMs) },
    LoginThrottleService,
    PasswordHasher,
    JwtStrategy,
    // Order matters: authenticate first, then check the role.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class AuthModule {}
